// expect: line 3: multiplier
soak {
  restart { multiplier 0.5 }
}
