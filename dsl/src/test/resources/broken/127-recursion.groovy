// expect: line 2: the script recurses without end
def f(n) { f(n + 1) }
soak {
  f(0)
}
