// expect: line 3: kind: 'explode' is not a fault kind
soak {
  faults { at 1.minutes, kind: 'explode' }
}
