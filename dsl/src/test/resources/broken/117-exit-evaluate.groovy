// expect: line 3: evaluate(...) is not allowed
soak {
  evaluate('System.exit(0)')
}
