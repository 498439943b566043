// expect: line 3: 'broker.journal' must be true or false
soak {
  config { set 'broker.journal', 'maybe' }
}
