// expect: line 4: is not a source type name
soak {
  source {
    type 'Binance WS'
  }
}
