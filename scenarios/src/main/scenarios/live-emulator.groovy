// Live mode against the bundled feed emulator: the emulator serves the two recorded captures on
// loopback at 1x (real time), the harvester connects to it over a real WebSocket, and the run checks
// the harvester's SLOs for 3 minutes. Nothing leaves 127.0.0.1.
// Needs the shared data (system property soak.shared.data, or SOAK_DATA, or ../shared/data).
soak {
  name 'live-emulator'
  mode 'live'
  duration 3.minutes

  source {
    type 'binance-ws'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    streams 'trade', 'bookTicker', 'depth@0ms'
    loop true
    emulator {
      serve 'files'
      pace '1x'
    }
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'jsonl'
  health { interval 10.seconds }
  timeseries { type 'file' }

  expect {
    harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3
    healthGreenRatio atLeast: 0.9               // 18 checks: the first may still be warming up
    published 'market', atLeast: 1
    shutdownOrder 'report', 'broker', 'signal', 'harvest'
    cleanShutdown()
  }
}
