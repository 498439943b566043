// expect: line 3: soak.duration must be > 0
soak {
  duration(-5.minutes)
}
