// expect: line 4: soak { } may appear only once
soak {
}
soak {
}
