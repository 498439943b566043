// expect: line 3: the script threw exception IOException: disk
soak {
  throw new java.io.IOException('disk')
}
