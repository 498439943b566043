// expect: line 7: does not compile
soak {
  duration 10.minutes
  stages 'harvest'
  sinks 'jsonl'
  expect {
    metric 'a.b', '>', 
  }
}
