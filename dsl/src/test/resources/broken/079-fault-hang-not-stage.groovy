// expect: line 3: hang 'sqlite' is not a stage of this plan
soak {
  faults { at 1.minutes, hang: 'sqlite', for: 5.seconds }
}
