// expect: line 3: soak.minutes must be at most
soak {
  minutes 9999999999
}
