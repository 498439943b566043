// expect: line 3: unknown setting 'backof' in restart { }
soak {
  restart { backof 1.seconds }
}
