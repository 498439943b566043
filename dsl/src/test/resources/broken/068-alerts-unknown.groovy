// expect: line 3: unknown setting 'rul' in alerts { }
soak {
  alerts { rul('x') }
}
