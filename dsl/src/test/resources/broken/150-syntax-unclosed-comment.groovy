// expect: line 4: does not compile
soak {
  duration 10.minutes
  /* forgot
  stages 'a'
}
