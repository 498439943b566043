// The README demo: a 60-minute soak of the whole pipeline that runs offline in well under a minute.
// A seeded synthetic market (served by the feed-emulator bundle) replayed at max pace on the virtual
// clock: no network, no external server, no recorded data. Both sinks, the embedded file time-series
// exporter, the standard alert rules, and the signal stage killed at minute 30.
soak {
  name 'demo'
  mode 'replay'
  pace 'max'
  seed 7
  duration 60.minutes

  source {
    type 'synthetic'
    symbols 'BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'
    streams 'aggTrade', 'bookTicker', 'depth5@100ms'
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'dual'                                   // JSONL + SQLite, compared row by row at the end
  health { interval 10.seconds }
  timeseries { type 'file' }                    // runs/<id>/timeseries: nothing to install
  alerts { standard() }
  faults { at 30.minutes, kill: 'signal' }
  reportTimeZone env('REPORT_TZ', 'UTC')

  // The acceptance card's criteria that make sense offline (no WebSocket, so no reconnect SLO).
  expect {
    healthGreenRatio atLeast: 0.98
    restartWithin 'signal', seconds: 12
    maxRssMb below: 600
    maxOpenFiles below: 256
    shutdownOrder 'report', 'broker', 'signal', 'harvest'
    cleanShutdown()
    harvester queueDropped: 0, substreamTimeout: false
    exports atLeast: 60, errors: 0
    parity within: 0.5                          // the card's tolerance ...
    parity exact()                              // ... and what the engine actually guarantees
    brokerInvariants()
    published 'decision', atLeast: 1
  }
}
