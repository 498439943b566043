// expect: line 3: unknown key 'sinks.default'
soak {
  config { set 'sinks.default', 'dual' }
}
