// expect: line 3: needs exactly one of
soak {
  faults { at 1.minutes, kill: 'signal', crash: 'broker' }
}
