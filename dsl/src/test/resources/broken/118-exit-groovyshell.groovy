// expect: line 2: is not allowed
new GroovyShell().evaluate('System.exit(0)')
soak {
}
