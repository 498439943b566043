// expect: line 3: feed: must be one of drop, stall
soak {
  faults { at 1.minutes, feed: 'explode' }
}
