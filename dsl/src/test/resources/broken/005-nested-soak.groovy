// expect: line 4: soak { } cannot be nested
soak {
  source {
    soak { }
  }
}
