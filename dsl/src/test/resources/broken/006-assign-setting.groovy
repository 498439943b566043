// expect: line 3: write duration 5m (without '=')
soak {
  duration = 5.minutes
}
