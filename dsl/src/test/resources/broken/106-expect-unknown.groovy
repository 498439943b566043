// expect: line 3: unknown setting 'maxRss' in expect { }; did you mean 'maxRssMb'?
soak {
  expect { maxRss below: 600 }
}
