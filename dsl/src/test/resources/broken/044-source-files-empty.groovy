// expect: line 4: must name at least one file
soak {
  source {
    files()
  }
}
