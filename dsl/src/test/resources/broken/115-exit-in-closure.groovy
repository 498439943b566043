// expect: line 4: System.exit is not allowed
soak {
  source {
    [1].each { System.exit(it) }
  }
}
