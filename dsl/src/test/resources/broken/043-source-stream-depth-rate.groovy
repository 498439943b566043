// expect: line 4: 'depth@7ms' is not a stream kind the harvest stage reads
soak {
  source {
    streams 'depth@7ms'
  }
}
