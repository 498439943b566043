// expect: line 3: unknown key 'timeseries.delete_on_finsh'
soak {
  config { set 'timeseries.delete_on_finsh', true }
}
