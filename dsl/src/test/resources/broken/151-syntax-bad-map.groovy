// expect: line 3: unknown setting 'kill' in faults { }
soak {
  faults { at 1.minutes, kill 'signal' for: 2.seconds }
}
