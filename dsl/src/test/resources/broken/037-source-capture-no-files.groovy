// expect: line 4: needs capture files
soak {
  source {
    type 'capture'
  }
}
