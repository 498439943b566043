// expect: line 3: timeseries: must be 'outage'
soak {
  faults { at 1.minutes, timeseries: 'slow', for: 1.minutes }
}
