// expect: line 3: soak.duration must be at most
soak {
  duration 'PT9999999H'
}
