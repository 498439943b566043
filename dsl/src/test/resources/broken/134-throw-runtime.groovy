// expect: line 3: the script threw IllegalStateException: bad state
soak {
  throw new IllegalStateException('bad state')
}
