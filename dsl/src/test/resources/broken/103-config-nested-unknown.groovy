// expect: line 3: unknown key 'signal.z.windw'
soak {
  config { set signal: [z: [windw: 300]] }
}
