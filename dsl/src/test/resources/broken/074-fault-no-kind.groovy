// expect: line 3: needs exactly one of kill:
soak {
  faults { at 1.minutes, target: 'signal' }
}
