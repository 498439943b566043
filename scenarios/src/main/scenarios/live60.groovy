// LIVE for 60 minutes against the bundled feed emulator serving the two shared recordings (looped, 1x, times
// moved to now) with the production endpoint layout: the harvester opens /public (bookTicker, depth@100ms) and
// /market (trades), syncs both diff books through the REST depth snapshot (GET /fapi/v1/depth on the emulator),
// and keeps them synced across a feed-drop and a feed-gap. Not in CI (an hour of wall time); run it with
//   soak run scenarios/live60.groovy
// Needs the shared data (system property soak.shared.data, or SOAK_DATA, or ../shared/data). Nothing leaves 127.0.0.1.
soak {
  name 'live60'
  mode 'live'
  duration 60.minutes

  source {
    type 'binance-ws'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    streams 'trade', 'bookTicker', 'depth@100ms'   // depth@100ms: derived by the emulator from the recorded @0ms diffs
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

  faults {
    at 20.minutes, feed: 'drop', for: 3.seconds                              // both connections lost, books re-anchored
    at 40.minutes, feed: 'gap', target: 'btcusdt@depth@100ms', for: 1.seconds, count: 2   // a pu break: resync from REST
  }

  expect {
    healthGreenRatio atLeast: 0.95
    harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3
    parity within: 0.5
    published 'market', atLeast: 1
    metric 'harvester_metrics.feed_connected_ever', '==', true
    metric 'harvester_metrics.books.BTCUSDT.state', '==', 'synced'
    metric 'harvester_metrics.books.ETHUSDT.state', '==', 'synced'
    // 2 at the start, 2 after the drop, 1 after the gap; loop seams cost none (the emulator's pu chain is unbroken)
    metric 'harvester_metrics.depth_snapshots_injected', '>=', 5
    maxRssMb below: 600
    maxOpenFiles below: 256
    shutdownOrder 'report', 'broker', 'signal', 'harvest'
    cleanShutdown()
    brokerInvariants()
  }
}
