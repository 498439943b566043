// Alert drill: the three alerts of the acceptance card each fire AND resolve, in one 45-minute run that takes
// seconds (seeded synthetic market replayed at max pace on the virtual clock). The market is driven through
// phases (source setting 'phases', applied to every symbol in order, "<duration> <regime>"; after the last
// phase the generator's own regime cycle continues). Minute m is [m, m+1); a rule is evaluated at its end.
//
//   0-1 m   active         warm-up of the signal stage (50 samples per symbol carry `warmup` and low
//                          consistency): busy enough that they stay below 80 % of the minute's decisions
//   1-14 m  normal         >= 10 minutes of baseline for strong_ratio_collapse
//   14-17 m silent         no trades (books keep updating): total == 0 in minutes 14, 15, 16
//                          -> no_signals pending at 15:00, firing at 16:00 (for: 2m)
//   17-22 m normal         trades again -> no_signals resolves at 18:00 (end of minute 17)
//   22-24 m disagreement   every trade moves the book one tick against the taker: OFI and CVD disagree in
//                          ~90 % of the samples -> low_consistency fires at 23:00, resolves at 25:00; with
//                          calibrated z (issue #14) the few confirmed decisions left are not strong either:
//                          strong_ratio 0 -> strong_ratio_collapse fires at 23:00 too, resolves at 25:00
//   24-32 m normal
//   32-33 m weak           small trades that the book follows by one tick: consistent, moderate scores,
//                          many confirmed and hardly any strong -> strong_ratio far below its trailing
//                          median -> strong_ratio_collapse fires at 33:00, resolves at 34:00
//   33-45 m normal
//
// The signal stage scores against a trailing robust window (300 samples, about two minutes here), so a regime
// shows as such in its first minute or two; the weak phase is one minute for that reason. Six symbols: the
// calibrated strong share of the synthetic normal market (OFI and CVD independent) is small, and with two
// symbols some normal minutes had no strong decision at all, which the rule reads as a collapse.
// See docs/timeseries-and-alerts.md, "Alert drill", and docs/market-data.md for the regimes.
soak {
  name 'alert-drill'
  mode 'replay'
  pace 'max'
  seed 11
  duration 45.minutes

  source {
    type 'synthetic'
    symbols 'BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'
    streams 'aggTrade', 'bookTicker', 'depth5@100ms'
    set 'phases', ['1m active', '13m normal', '3m silent', '5m normal', '2m disagreement', '8m normal', '1m weak',
                   '12m normal']
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
    metric 'alerts.totals.fired', '==', 4                  // strong_ratio_collapse twice (disagreement, weak),
    metric 'alerts.totals.resolved', '==', 4               // ... and nothing else fired (warm-up included)
    metric 'alerts.totals.active_at_end', '==', 0          // every alert that fired has resolved by the end
    exports atLeast: 45, errors: 0
  }
}
