// expect: line 3: does not compile
soak {
  duration 10.minutes)
  stages 'a'
}
