// expect: line 4: 'duration' is a setting of soak { }, not of source { }
soak {
  source {
    duration 5.minutes
  }
}
