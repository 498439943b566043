#!/usr/bin/env python3
# fsync probe for the JSONL commit cost (docs/benchmarks.md, "The JSONL commit"): appends a line to N open
# files, fdatasyncs each, then writes a watermark as the JSONL sink does (temp file, fsync, rename, fsync of the
# directory: the sink does the last step since 2026-12-06; "no dir fsync" is the protocol before).
# Usage: python3 scripts/fsync-probe.py <directory on the disk to measure>
import os, time, sys, statistics
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
def run(nfiles, rounds, per_file=1, dir_fsync=True):
    fds = [os.open(os.path.join(d, f"f{nfiles}_{i}.jsonl"), os.O_CREAT|os.O_WRONLY|os.O_APPEND) for i in range(nfiles)]
    line = b'{"run_id":"x","topic":"decision","seq":1,"symbol":"BTCUSDT","confirm":true}\n'
    ts = []
    for r in range(rounds):
        for fd in fds: os.write(fd, line*per_file)
        t = time.perf_counter()
        for fd in fds: os.fdatasync(fd)
        # watermark: tmp, fsync, rename
        w = os.path.join(d, "_c.tmp"); fd = os.open(w, os.O_CREAT|os.O_WRONLY|os.O_TRUNC); os.write(fd, b'{"decision":1}\n'); os.fsync(fd); os.close(fd); os.replace(w, os.path.join(d, "_c.json"))
        if dir_fsync:
            dfd = os.open(d, os.O_RDONLY); os.fsync(dfd); os.close(dfd)
        ts.append((time.perf_counter()-t)*1000)
    for fd in fds: os.close(fd)
    ts.sort()
    print(f"{nfiles:4d} files/commit{'' if dir_fsync else ' (no dir fsync)'}: p50 {ts[len(ts)//2]:.1f} ms  p90 {ts[int(len(ts)*0.9)]:.1f} ms  max {ts[-1]:.1f} ms  ({rounds} commits)")
for n, r in [(1, 60), (3, 60), (18, 30), (180, 8)]:
    run(n, r)
for n, r in [(1, 60), (3, 60)]:
    run(n, r, dir_fsync=False)
