// expect: line 3: crash 'kafka' is not a stage or sink of this plan
soak {
  faults { at 1.minutes, crash: 'kafka' }
}
