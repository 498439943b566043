// expect: line 5: serves SOLUSDT, which is not one of soak.source.symbols
soak {
  source {
    symbols 'BTCUSDT'
    alias 'SOLUSDT', from: 'BTCUSDT'
  }
}
