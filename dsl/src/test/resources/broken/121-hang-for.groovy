// expect: line 3: took longer than
soak {
  for (;;) { }
}
