// expect: line 3: names 'harvest' twice
soak {
  stages 'harvest', 'harvest'
}
