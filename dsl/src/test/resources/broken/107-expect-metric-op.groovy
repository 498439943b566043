// expect: line 3: expect
soak {
  expect { metric 'x.y', '=~', 1 }
}
