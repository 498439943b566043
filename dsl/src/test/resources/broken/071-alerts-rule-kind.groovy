// expect: line 4: kind
soak {
  alerts {
    rule('mine', kind: 'explode') { }
  }
}
