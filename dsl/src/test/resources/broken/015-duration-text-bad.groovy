// expect: line 3: soak.duration must be a duration
soak {
  duration 'ten minutes'
}
