// expect: line 2: System.exit is not allowed
System.exit(3)
soak {
}
