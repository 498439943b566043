// expect: line 4: level
soak {
  alerts {
    rule('no_signals') { level 'panic' }
  }
}
