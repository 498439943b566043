// expect: line 5: unknown setting 'levl' in rule('no_signals') { }; did you mean 'level'?
soak {
  alerts {
    rule('no_signals') {
      levl 'warning'
    }
  }
}
