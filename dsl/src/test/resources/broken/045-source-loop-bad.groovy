// expect: line 4: soak.source.loop
soak {
  source {
    loop 'sometimes'
  }
}
