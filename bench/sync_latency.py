#!/usr/bin/env python3
"""Time a synced 300-byte write on this disk, appended to a growing file or overwriting blocks
that are already allocated, the two ways a write-ahead log can sync a record.

RocksDB appends to its write-ahead log, so each fdatasync also writes the file's new size.
etcd preallocates its log files and overwrites them, so fdatasync writes only data blocks.

Usage: python3 bench/sync_latency.py [--dir DIR] [--writes N]
  --dir DIR     directory on the disk to test (default: bench/results, which is not committed)
  --writes N    synced writes per mode (default 2000)
"""

import argparse
import os
import statistics
import tempfile
import time

RECORD = b"x" * 300


def timed_writes(path, writes, preallocate):
    """Return the latency in ms of each write + fdatasync of one record."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if preallocate:
            # Real blocks with zeros in them, and a size that covers every record, synced once.
            os.write(fd, b"\0" * (len(RECORD) * writes))
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_SET)
        latencies = []
        for _ in range(writes):
            start = time.perf_counter()
            os.write(fd, RECORD)
            os.fdatasync(fd)
            latencies.append((time.perf_counter() - start) * 1000)
        return latencies
    finally:
        os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="bench/results")
    parser.add_argument("--writes", type=int, default=2000)
    args = parser.parse_args()
    if args.writes <= 0:
        parser.error(f"invalid --writes {args.writes}: expected a positive number")
    os.makedirs(args.dir, exist_ok=True)

    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        for name, preallocate in (("append to a growing file", False), ("overwrite preallocated blocks", True)):
            latencies = timed_writes(os.path.join(directory, "log"), args.writes, preallocate)
            cuts = statistics.quantiles(latencies, n=100)
            print(f"{name}: p50 {cuts[49]:.3f} ms, p90 {cuts[89]:.3f} ms, p99 {cuts[98]:.3f} ms "
                  f"({args.writes} writes of {len(RECORD)} bytes)")


if __name__ == "__main__":
    main()
