// expect: line 3: must be > 0
soak {
  health { interval 0.seconds }
}
