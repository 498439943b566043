// expect: line 3: System.exit is not allowed
soak {
  System.exit(0)
}
