// expect: line 4: NullPointerException
def m = null
soak {
  name m.foo
}
