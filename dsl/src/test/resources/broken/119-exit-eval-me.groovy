// expect: line 2: Eval.me is not allowed
Eval.me('System.exit(0)')
soak {
}
