// expect: line 3: the script threw exception Exception: plain
soak {
  throw new Exception('plain')
}
