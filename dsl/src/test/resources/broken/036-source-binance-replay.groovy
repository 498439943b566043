// expect: line 4: 'binance-ws' is a live WebSocket and needs mode 'live'
soak {
  source {
    type 'binance-ws'
  }
}
