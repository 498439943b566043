// expect: line 3: the script ran out of memory
soak {
  throw new OutOfMemoryError('fake')
}
