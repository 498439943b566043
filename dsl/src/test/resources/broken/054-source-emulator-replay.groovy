// expect: line 4: starts a live feed and needs mode 'live'
soak {
  source {
    emulator { serve 'synthetic' }
  }
}
