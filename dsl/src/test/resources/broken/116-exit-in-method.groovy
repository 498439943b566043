// expect: line 3: System.exit is not allowed
def stop() {
  System.exit(2)
}
soak {
}
