// Engine and dist smoke test: the test-stages bundle's counter feed through four pass-through stages
// into a counting stage, two simulated minutes at max pace, one stage killed and restarted. No market
// data, no sinks, no exporter: it exercises the engine (clock, bus, restarts, shutdown, verdict) only.
soak {
  name 'engine-smoke'
  mode 'replay'
  pace 'max'
  seed 42
  duration 2.minutes

  source {
    type 'counter'
    symbols 'BTCUSDT'
    set 'rate', 1000                            // messages per second of the counter feed
  }

  stages 'pass1', 'pass2', 'pass3', 'pass4', 'count'
  sink 'none'
  timeseries { type 'none' }
  alerts { none() }
  restart { heartbeatTimeout 5.seconds }
  faults { at 60.seconds, kill: 'pass2' }

  expect {
    restartWithin 'pass2', seconds: 12
    shutdownOrder 'count', 'pass4', 'pass3', 'pass2', 'pass1'
    cleanShutdown()
    healthGreenRatio atLeast: 0.8
    metric 'status.processes.count.handled', '>', 0
  }
}
