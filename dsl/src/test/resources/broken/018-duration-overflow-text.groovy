// expect: line 3: soak.duration must be at most
soak {
  duration '99999999999999999h'
}
