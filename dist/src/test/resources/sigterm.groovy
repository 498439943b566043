// DistIT: a run that would take ten wall-clock minutes (counter feed paced at 1x), stopped by SIGTERM.
soak {
  name 'sigterm'
  mode 'replay'
  pace '1x'
  seed 1
  duration 10.minutes

  source {
    type 'counter'
    symbols 'BTCUSDT'
    set 'rate', 200
  }

  stages 'pass1', 'pass2', 'pass3', 'pass4', 'count'
  sink 'none'
  timeseries { type 'none' }
  alerts { none() }

  expect {
    shutdownOrder 'count', 'pass4', 'pass3', 'pass2', 'pass1'
    cleanShutdown()
  }
}
