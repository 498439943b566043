// expect: line 4: one of
soak {
  alerts {
    rule('mine', kind: 'threshold') { metric 'total'; below 1; above 2 }
  }
}
