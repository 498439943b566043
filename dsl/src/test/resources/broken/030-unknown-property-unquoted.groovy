// expect: line 3: unknown setting 'replay'
soak {
  mode replay
}
