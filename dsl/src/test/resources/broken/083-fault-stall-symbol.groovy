// expect: line 3: ADAUSDT is not a symbol of the source
soak {
  faults { at 1.minutes, feed: 'stall', target: 'adausdt@aggTrade', for: 5.seconds }
}
