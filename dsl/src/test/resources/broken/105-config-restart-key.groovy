// expect: line 3: unknown key 'restart.max_restarts'
soak {
  config { set 'restart.max_restarts', 3 }
}
