// expect: line 2: Runtime.getRuntime() is not allowed
def r = Runtime.getRuntime()
soak {
}
