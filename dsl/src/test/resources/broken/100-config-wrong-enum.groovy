// expect: line 3: must be one of OFF, NORMAL, FULL, EXTRA
soak {
  config { set 'sqlite.synchronous', 'FAST' }
}
