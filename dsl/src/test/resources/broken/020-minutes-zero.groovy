// expect: line 3: soak.minutes must be > 0
soak {
  minutes 0
}
