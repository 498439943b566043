// expect: line 3: is not a stage name
soak {
  stages 'Sig nal'
}
