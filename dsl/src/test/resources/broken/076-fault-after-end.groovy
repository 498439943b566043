// expect: line 4: must be before the end of the run
soak {
  duration 10.minutes
  faults { at 30.minutes, kill: 'signal' }
}
