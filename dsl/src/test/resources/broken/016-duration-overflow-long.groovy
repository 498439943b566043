// expect: line 3: is too large for a duration
soak {
  duration Long.MAX_VALUE.minutes
}
