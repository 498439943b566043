// expect: line 3: RuntimeException: line one
soak {
  throw new RuntimeException('line one\nline two')
}
