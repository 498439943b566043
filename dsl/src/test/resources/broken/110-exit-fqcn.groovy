// expect: line 3: System.exit is not allowed
soak {
  java.lang.System.exit(0)
}
