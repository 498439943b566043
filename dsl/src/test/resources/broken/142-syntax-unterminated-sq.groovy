// expect: line 4: does not compile
soak {
  duration 10.minutes
  name 'abc
}
