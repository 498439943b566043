// expect: line 3: swap 'sigal' is not a stage of this plan
soak {
  faults { at 1.minutes, swap: 'sigal', jar: 'hot/x.jar' }
}
