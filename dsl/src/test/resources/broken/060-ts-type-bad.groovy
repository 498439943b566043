// expect: line 3: timeseries
soak {
  timeseries { type 'Prom etheus' }
}
