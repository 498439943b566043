// expect: line 5: must be a ws:// or wss:// URL
soak {
  mode 'live'
  source {
    endpoint 'http://127.0.0.1:1'
  }
}
