// expect: line 3: soak.mode must be 'live' or 'replay'
soak {
  mode 'simulate'
}
