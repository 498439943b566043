// expect: line 3: unknown time unit '.minuts'
soak {
  duration 5.minuts
}
