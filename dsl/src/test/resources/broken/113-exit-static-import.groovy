// expect: line 4: is not allowed
import static java.lang.System.exit
soak {
  exit(1)
}
