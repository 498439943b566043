// The acceptance card (ACCEPTANCE.md), run as a deterministic simulation: the two recorded Binance
// USDT-M captures looped for 60 minutes at max pace on the virtual clock, six symbols (BTCUSDT and
// ETHUSDT from the files, four more served as aliases of them), both sinks, the signal stage killed at
// minute 30, and every criterion of the card.
// Needs the shared data (system property soak.shared.data, or SOAK_DATA, or ../shared/data).
// Time series: the embedded file exporter unless TIMESERIES_TYPE/TIMESERIES_URL say otherwise.
soak {
  name 'acceptance-60m'
  mode 'replay'
  pace 'max'
  seed 42
  duration 60.minutes

  source {
    type 'capture'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    symbols 'BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'
    alias 'BNBUSDT', from: 'BTCUSDT'
    alias 'SOLUSDT', from: 'ETHUSDT'
    alias 'XRPUSDT', from: 'BTCUSDT'
    alias 'DOGEUSDT', from: 'ETHUSDT'
    streams 'trade', 'bookTicker', 'depth@0ms'  // what the recordings hold
    loop true                                     // 345 s of data, replayed with shifted times and ids
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'dual'
  health { interval 10.seconds }
  restart { backoff 500.millis, multiplier: 2, max: 8.seconds; giveUpAfter 5, within: 10.minutes }

  timeseries {
    type env('TIMESERIES_TYPE', 'file')
    if (env('TIMESERIES_URL')) {
      url env('TIMESERIES_URL')
    }
    org env('INFLUX_ORG')
    bucket env('INFLUX_BUCKET')
    secret 'token', env('INFLUX_TOKEN')
    required false                               // an unreachable server never stops the run
  }

  alerts {
    standard()                                   // strong_ratio_collapse with its default k = 3: its spread has a
                                                 // binomial floor sqrt(p(1-p)/n), n counting each recorded symbol's
                                                 // decisions once (docs/timeseries-and-alerts.md)
  }
  faults { at 30.minutes, kill: 'signal' }
  reportTimeZone env('REPORT_TZ', 'UTC')

  expect {
    healthGreenRatio atLeast: 0.98                                           // 1. health
    exports atLeast: 60, errors: 0                                           // 3. time series
    parity within: 0.5                                                       // 4. dual sink
    harvester queueDropped: 0, substreamTimeout: false                       // 5. harvester SLOs (no socket
                                                                             //    to reconnect in a replay;
                                                                             //    see live-emulator.groovy)
    maxRssMb below: 600                                                      // 6. resources
    maxOpenFiles below: 256
    shutdownOrder 'report', 'broker', 'signal', 'harvest'                    // 7. graceful shutdown
    cleanShutdown()
    restartWithin 'signal', seconds: 12                                      // 8. fault injection
    brokerInvariants()
  }
}
