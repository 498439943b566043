// expect: line 3: feed-stall needs a target:
soak {
  faults { at 1.minutes, feed: 'stall', for: 5.seconds }
}
