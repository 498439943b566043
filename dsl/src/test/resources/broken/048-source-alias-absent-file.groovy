// expect: line 5: ETHUSDT is not in the capture files (they hold BTCUSDT)
soak {
  source {
    files 'btcusdt_20240808.gz'
    alias 'SOLUSDT', from: 'ETHUSDT'
  }
}
