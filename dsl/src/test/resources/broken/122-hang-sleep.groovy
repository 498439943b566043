// expect: line 3: took longer than
soak {
  Thread.sleep(600000)
}
