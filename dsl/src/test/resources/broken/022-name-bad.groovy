// expect: line 3: soak.name may hold letters
soak {
  name 'a b'
}
