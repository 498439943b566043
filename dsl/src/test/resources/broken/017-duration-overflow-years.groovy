// expect: line 3: soak.duration must be at most
soak {
  duration 100000.hours
}
