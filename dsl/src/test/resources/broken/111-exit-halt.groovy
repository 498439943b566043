// expect: line 3: Runtime.getRuntime() is not allowed
soak {
  Runtime.getRuntime().halt(0)
}
