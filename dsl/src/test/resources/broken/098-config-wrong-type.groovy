// expect: line 3: 'signal.z.window' must be an integer, got 'wide'
soak {
  config { set 'signal.z.window', 'wide' }
}
