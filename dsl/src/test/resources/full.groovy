soak {
  name 'acceptance-60m'
  mode 'replay'            // or 'live'
  pace 'max'               // '1x', '20x', 'max'
  seed 42
  duration 60.minutes
  source {
    type 'capture'
    symbols 'BTCUSDT', 'ETHUSDT', 'SOLUSDT'
    streams 'trade', 'bookTicker', 'depth@0ms'
    files data('binance-usdm/btcusdt_20240808.gz'), data('binance-usdm/ethusdt_20240808.gz')
    loop true
    alias 'SOLUSDT', from: 'BTCUSDT'
    set 'some.key', 5
  }
  stages 'harvest', 'signal', 'broker', 'report'
  sinks 'jsonl', 'sqlite'
  health { interval 10.seconds }
  restart { backoff 500.millis, multiplier: 2, max: 8.seconds; giveUpAfter 5, within: 10.minutes; heartbeatTimeout 30.seconds }
  timeseries { type 'prometheus'; url env('TIMESERIES_URL', 'http://127.0.0.1:9091'); required false; option 'job', 'soak'; secret 'token', env('INFLUX_TOKEN') }
  alerts { standard(); rule('low_consistency') { threshold 0.8; minDecisions 20; forDuration 0.minutes }; rule('my_rule', kind: 'threshold', level: 'warning') { metric 'strong_ratio'; below 0.05; forDuration 2.minutes } }
  faults { at 30.minutes, kill: 'signal'; at 31.minutes, crash: 'sqlite'; at 40.minutes, hang: 'broker', for: 20.seconds; at 10.minutes, feed: 'stall', target: 'btcusdt@trade', for: 200.seconds }
  config { set 'signal.z.window', 300 }
  reportTimeZone 'Asia/Tokyo'
  expect {
    healthGreenRatio atLeast: 0.98
    restartWithin 'signal', seconds: 12
    maxRssMb below: 600
    maxOpenFiles below: 256
    shutdownOrder 'report', 'broker', 'signal', 'harvest'
    harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3
    exports atLeast: 60, errors: 0
    parity within: 0.5
    alertFired 'no_signals'; alertResolved 'no_signals'
    brokerInvariants()
    metric 'bus.topics.decision.published', '>', 0
  }
}
