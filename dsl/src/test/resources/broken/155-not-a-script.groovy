// expect: line 0: not a scenario script
class X {
}
