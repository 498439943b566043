// expect: line 0: no soak { } block
def x = 1

