// Alert drill: the three alerts of the acceptance card each fire AND resolve, in one 45-minute run that takes
// seconds (seeded synthetic market replayed at max pace on the virtual clock). The market is driven through
// phases (source setting 'phases', applied to every symbol in order, "<duration> <regime>"; after the last
// phase the generator's own regime cycle continues):
//
//   0-14 m  normal         warm-up, then >= 10 minutes of baseline for strong_ratio_collapse
//   14-17 m silent         no trades (books keep updating): total == 0 for 2+ closed minutes -> no_signals
//   17-22 m normal         trades again -> no_signals resolves
//   22-24 m disagreement   takers buy while the book leans to the ask: OFI and CVD disagree -> most decisions
//                          carry low_consistency -> low_consistency fires, resolves when normal returns
//   24-32 m normal
//   32-34 m weak           a consistent but small drift: confirmed buys/sells, hardly any strong one ->
//                          strong_ratio far below its trailing median -> strong_ratio_collapse, then resolves
//   34-45 m normal
//
// The 'silent' and 'weak' regimes and the 'phases' setting are what this drill asks of the synthetic market
// (bundles/feed-emulator); see docs/timeseries-and-alerts.md, "Alert drill".
soak {
  name 'alert-drill'
  mode 'replay'
  pace 'max'
  seed 11
  duration 45.minutes

  source {
    type 'synthetic'
    symbols 'BTCUSDT', 'ETHUSDT'
    streams 'aggTrade', 'bookTicker', 'depth5@100ms'
    set 'phases', ['14m normal', '3m silent', '5m normal', '2m disagreement', '8m normal', '2m weak', '11m normal']
  }

  stages 'harvest', 'signal', 'broker', 'report'
  sink 'jsonl'
  health { interval 10.seconds }
  timeseries { type 'file' }                    // runs/<id>/timeseries/metrics.om, soak_alert_state per minute
  alerts {
    standard()                                  // the six rules of DOMAIN.md 6 with their defaults
  }

  expect {
    alertFired 'no_signals', 'low_consistency', 'strong_ratio_collapse'
    alertResolved 'no_signals', 'low_consistency', 'strong_ratio_collapse'
    metric 'alerts.totals.active_at_end', '==', 0          // every alert that fired has resolved by the end
    exports atLeast: 45, errors: 0
  }
}
