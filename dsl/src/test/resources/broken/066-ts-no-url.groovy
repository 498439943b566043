// expect: line 3: url
soak {
  timeseries { type 'prometheus' }
}
