// expect: line 3: no method frobnicate() on String
soak {
  name 'x'.frobnicate()
}
