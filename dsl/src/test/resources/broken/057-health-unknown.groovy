// expect: line 3: unknown setting 'intervall' in health { }
soak {
  health { intervall 10.seconds }
}
