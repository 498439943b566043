// expect: line 3: soak.pace must be 'max' or a multiple
soak {
  pace 'fast'
}
