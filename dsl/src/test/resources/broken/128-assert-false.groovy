// expect: line 3: assertion failed: assert 1 == 2
soak {
  assert 1 == 2
}
