// expect: line 3: must be a depth stream
soak {
  faults { at 1.minutes, feed: 'gap', target: 'btcusdt@aggTrade', for: 5.seconds }
}
