// expect: line 3: swap jar: 'hot/x.jar' does not exist
soak {
  faults { at 1.minutes, swap: 'sigal', jar: 'hot/x.jar' }
}
