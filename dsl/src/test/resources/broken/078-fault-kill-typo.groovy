// expect: line 3: kill 'signall' is not a stage of this plan
soak {
  faults { at 1.minutes, kill: 'signall' }
}
