// expect: line 3: feed-stall needs for:
soak {
  faults { at 1.minutes, feed: 'stall', target: 'btcusdt@aggTrade' }
}
