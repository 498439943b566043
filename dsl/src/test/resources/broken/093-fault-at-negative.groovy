// expect: line 3: must be >= 0
soak {
  faults { at(-1.minutes, kill: 'signal') }
}
