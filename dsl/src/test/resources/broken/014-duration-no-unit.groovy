// expect: line 3: a number needs a unit
soak {
  duration 60
}
