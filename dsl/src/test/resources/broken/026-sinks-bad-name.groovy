// expect: line 3: is not a sink name
soak {
  sinks 'JSON L'
}
