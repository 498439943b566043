// expect: line 4: is not a symbol such as 'BTCUSDT'
soak {
  source {
    symbols 'btc-usdt'
  }
}
