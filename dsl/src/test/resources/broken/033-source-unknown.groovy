// expect: line 4: unknown setting 'symbls' in source { }; did you mean 'symbols'?
soak {
  source {
    symbls 'BTCUSDT'
  }
}
