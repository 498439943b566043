// expect: line 4: does not compile
soak {
  duration 10.minutes
  faults { at 1.minutes, kill: }
  stages 'a'
}
