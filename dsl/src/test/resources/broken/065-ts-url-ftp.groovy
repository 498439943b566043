// expect: line 3: soak.timeseries.url
soak {
  timeseries { type 'prometheus'; url 'ftp://127.0.0.1' }
}
