// expect: line 3: ArithmeticException
soak {
  seed 1 / 0
}
