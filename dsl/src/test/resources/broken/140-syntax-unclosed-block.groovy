// expect: line 4: '{' is not closed
soak {
  duration 10.minutes
  source {
    type 'synthetic'
  
  stages 'harvest'
}
