// expect: line 2: unknown name 'soakk' at the top level
soakk {
  duration 5.minutes
}
