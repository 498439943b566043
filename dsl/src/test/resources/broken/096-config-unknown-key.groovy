// expect: line 3: unknown key 'signal.z.windw' (no installed component reads it); did you mean 'signal.z.window'?
soak {
  config { set 'signal.z.windw', 300 }
}
