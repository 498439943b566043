// expect: line 5: does not compile
soak {
  duration 10.minutes
}
}
