// expect: line 5: does not compile
soak {
  source {
    type 'synthetic'
    symbols 'BTCUSDT' 'ETHUSDT',
  }
  stages 'harvest'
  sinks ) 'jsonl'
}
