// expect: line 5: XRPUSDT is not a symbol the source produces
soak {
  source {
    symbols 'BTCUSDT', 'SOLUSDT'
    alias 'SOLUSDT', from: 'XRPUSDT'
  }
}
