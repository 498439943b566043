// expect: line 3: soak.timeseries.url
soak {
  timeseries { type 'prometheus'; url 'http://admin:s3cret@127.0.0.1:99999' }
}
