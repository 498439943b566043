// expect: line 3: NumberFormatException
soak {
  seed Integer.parseInt('x')
}
