// The live latency benchmark (`soak bench --live`, docs/benchmarks.md): the bundled feed emulator serves the two
// recorded captures on 127.0.0.1 at 1x (looped, times moved to now) as six symbols (BTCUSDT and ETHUSDT from the
// files, four more served as aliases of them), the harvester connects over real WebSockets with the production
// layout (/public + /market, REST depth snapshots from the emulator), and the whole pipeline runs to both sinks.
// `soak bench --live` runs it at 1x the load and at 10x (60 symbols: 54 more aliases added by the command) and
// prints receive → committed latency, CPU per thread and queue drops. Nothing leaves 127.0.0.1.
// Needs the shared data (system property soak.shared.data, or SOAK_DATA, or ../shared/data).
soak {
  name 'bench-live'
  mode 'live'
  duration 3.minutes

  source {
    type 'binance-ws'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    symbols 'BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'
    alias 'BNBUSDT', from: 'BTCUSDT'
    alias 'SOLUSDT', from: 'ETHUSDT'
    alias 'XRPUSDT', from: 'BTCUSDT'
    alias 'DOGEUSDT', from: 'ETHUSDT'
    streams 'trade', 'bookTicker', 'depth@100ms'
    loop true
    emulator {
      serve 'files'
      pace '1x'
    }
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'dual'
  health { interval 10.seconds }
  timeseries { type 'file' }

  expect {
    harvester queueDropped: 0
    cleanShutdown()
  }
}
