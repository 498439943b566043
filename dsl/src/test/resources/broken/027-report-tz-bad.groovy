// expect: line 3: must be an IANA zone
soak {
  reportTimeZone 'Mars/Olympus'
}
