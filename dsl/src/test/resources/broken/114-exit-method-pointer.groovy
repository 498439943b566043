// expect: line 2: System.exit is not allowed
def bye = System.&exit
soak {
}
