// expect: line 3: soak.stages must name at least one stage
soak {
  stages()
}
