// expect: line 3: soak.seed must be an integer
soak {
  seed 'abc'
}
