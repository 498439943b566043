// expect: line 3: the source does not subscribe 'trade'
soak {
  faults { at 1.minutes, feed: 'stall', target: 'btcusdt@trade', for: 5.seconds }
}
