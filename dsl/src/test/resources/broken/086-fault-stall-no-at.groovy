// expect: line 3: is not a stream such as 'btcusdt@trade'
soak {
  faults { at 1.minutes, feed: 'stall', target: 'btcusdt', for: 5.seconds }
}
