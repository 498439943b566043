// expect: line 3: unknown setting 'durtion' in soak { }; did you mean 'duration'?
soak {
  durtion 5.minutes
}
