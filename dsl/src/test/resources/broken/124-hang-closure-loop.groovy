// expect: line 2: took longer than
def spin = { while (true) { } }
soak {
  spin()
}
