// expect: line 3: unknown setting 'urll' in timeseries { }
soak {
  timeseries { urll 'x' }
}
