// expect: line 4: cannot be an alias of itself
soak {
  source {
    alias 'BTCUSDT', from: 'BTCUSDT'
  }
}
