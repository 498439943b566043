// expect: line 3: did you mean 'signal.z.window'?
soak {
  config { set 'signl.z.window', 300 }
}
