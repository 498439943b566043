// expect: line 4: soak.pace applies to replay only
soak {
  mode 'live'
  pace '20x'
}
