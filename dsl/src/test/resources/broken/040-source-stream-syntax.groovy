// expect: line 4: is not a stream kind such as
soak {
  source {
    streams 'agg trade'
  }
}
