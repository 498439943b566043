// expect: line 3: took longer than
soak {
  sleep(600000)
}
