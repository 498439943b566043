// expect: line 6: SOLUSDT is not in the capture files
soak {
  source {
    files 'btcusdt_1.gz'
    alias 'SOLUSDT', from: 'BTCUSDT'
    alias 'XRPUSDT', from: 'SOLUSDT'
  }
}
