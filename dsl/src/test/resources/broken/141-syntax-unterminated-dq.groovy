// expect: line 4: does not compile
soak {
  duration 10.minutes
  name "x
  stages 'a'
}
