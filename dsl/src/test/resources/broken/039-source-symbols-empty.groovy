// expect: line 4: must name at least one symbol
soak {
  source {
    symbols()
  }
}
