// expect: line 4: slow: 'sqlite' is not a sink of this plan (sinks jsonl)
soak {
  sinks 'jsonl'
  faults { at 1.minutes, slow: 'sqlite', for: 1.minutes }
}
