// expect: line 3: the script threw error Error: boom
soak {
  throw new Error('boom')
}
