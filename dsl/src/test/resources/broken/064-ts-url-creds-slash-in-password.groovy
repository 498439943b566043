// expect: line 3: soak.timeseries.url
soak {
  timeseries { type 'influxdb'; url 'http://admin:pa/ss@127.0.0.1:8086' }
}
