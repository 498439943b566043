// expect: line 3: soak.timeseries.url
soak {
  timeseries { type 'prometheus'; url 'http://admin:p@ss@127.0.0.1:9091' }
}
