// expect: line 5: 'capture' replays files and needs mode 'replay'
soak {
  mode 'live'
  source {
    type 'capture'
    files 'btcusdt_1.gz'
  }
}
