// expect: line 3: must be at most
soak {
  faults { at 10000.hours, kill: 'signal' }
}
