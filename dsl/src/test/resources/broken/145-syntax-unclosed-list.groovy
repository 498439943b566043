// expect: line 4: does not compile
soak {
  duration 10.minutes
  config { set 'a.b', [1,2 }
  stages 'a'
}
