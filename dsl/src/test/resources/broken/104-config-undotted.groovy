// expect: line 3: key must be dotted
soak {
  config { set 'window', 300 }
}
