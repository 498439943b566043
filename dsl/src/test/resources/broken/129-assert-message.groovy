// expect: line 3: assertion failed: need data
soak {
  assert false : 'need data'
}
