// expect: line 3: feed-latency needs latency:
soak {
  faults { at 1.minutes, feed: 'latency', for: 1.minutes }
}
