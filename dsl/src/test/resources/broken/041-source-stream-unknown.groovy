// expect: line 4: 'markPrice@1s' is not a stream kind the harvest stage reads
soak {
  source {
    streams 'markPrice@1s'
  }
}
