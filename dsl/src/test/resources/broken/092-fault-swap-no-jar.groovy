// expect: line 3: swap needs jar:
soak {
  faults { at 1.minutes, swap: 'signal' }
}
