// expect: line 5: BTCUSDT is not in the capture files (they hold X)
soak {
  source {
    files '/tmp/x.gz'
    alias 'SOLUSDT', from: 'BTCUSDT'
  }
}
