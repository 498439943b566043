// expect: line 4: is not a stream kind
soak {
  source {
    streams 'aggTrade', 'kline_1m'
  }
}
