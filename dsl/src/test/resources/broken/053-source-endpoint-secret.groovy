// expect: line 5: must be a ws:// or wss:// URL, got 'http://***@127.0.0.1:1'
soak {
  mode 'live'
  source {
    endpoint 'http://user:hunter2@127.0.0.1:1'
  }
}
