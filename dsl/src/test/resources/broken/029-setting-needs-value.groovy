// expect: line 3: soak.duration needs a value
soak {
  duration
}
