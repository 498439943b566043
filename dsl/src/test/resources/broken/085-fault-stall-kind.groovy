// expect: line 3: 'markPrice' is not a stream kind
soak {
  faults { at 1.minutes, feed: 'stall', target: 'btcusdt@markPrice', for: 5.seconds }
}
