// The end-to-end replay benchmark (`soak bench`, scripts/bench-e2e.sh; docs/benchmarks.md): the two
// recorded Binance USDT-M captures looped to a 60-minute, six-symbol session (BTCUSDT and ETHUSDT from the
// files, four more served as aliases of them; about 5.3 M messages) through the whole pipeline at max pace
// on the virtual clock, both sinks and the embedded file exporter. No fault: it measures throughput.
// `soak bench` also runs this plan reduced to harvest + signal without sinks, exporter or alerts (the
// ceiling of reading + parsing + features) in the same JVM and prints the ratio.
// Needs the shared data (system property soak.shared.data, or SOAK_DATA, or ../shared/data).
soak {
  name 'bench-e2e'
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
    streams 'trade', 'bookTicker', 'depth@0ms'
    loop true
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'dual'
  health { interval 10.seconds }
  timeseries { type 'file' }
  alerts { standard() }
  reportTimeZone 'UTC'

  // a fast run is only worth something when it is also a correct one
  expect {
    harvester queueDropped: 0, substreamTimeout: false
    parity exact()
    cleanShutdown()
    brokerInvariants()
  }
}
