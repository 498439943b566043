// expect: line 4: kill 'broker' is not a stage of this plan; stages: harvest, signal
soak {
  stages 'harvest', 'signal'
  faults { at 1.minutes, kill: 'broker' }
}
