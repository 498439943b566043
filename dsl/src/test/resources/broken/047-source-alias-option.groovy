// expect: line 4: takes one option, from:
soak {
  source {
    alias 'SOLUSDT', of: 'BTCUSDT'
  }
}
