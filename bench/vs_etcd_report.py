#!/usr/bin/env python3
"""Turn the reports of bench/vs-etcd.sh into the "Lessor vs etcd" section of docs/benchmarks.md.

bench/vs-etcd.sh runs each workload against a fresh etcd and a fresh Lessor per round. It
keeps the JSON report of every run (ID/etcd-ROUND.json, ID/lessor-ROUND.json) and the memory
readings around the scale runs. Its runs.tsv lists each run's exit status and load average.
This script takes the median of the rounds for each number, writes the tables, and replaces
the section between the markers in the document. A run that exited with an error is left out
of the medians and listed under the tables.
"""

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path

from report_common import format_memory, machine_description, markers, replace_section, section_start

SECTION = "vs-etcd"

SERVERS = ("etcd", "lessor")

# Descriptions of the workload ids of bench/vs-etcd.sh, for the first column of the tables.
DESCRIPTIONS = {
    "put-1client": "put, 1 client: one synced write at a time",
    "put": "put, 100 clients on 10 connections",
    "put-lease": "put with a lease from a pool, 100 clients",
    "range-l": "range of one key, linearizable, 100 clients",
    "range-s": "range of one key, serializable, 100 clients",
    "txn": "txn compare-and-swap on one key, 10 clients",
    "lease-grant": "lease grant, 100 clients",
    "lease-keepalive": "keep-alive, one in flight per lease, 10 streams",
    "lease-revoke": "lease revoke, 100 clients",
    "scale": "lease grant of the scale run, 100 clients",
}


def load_runs(results):
    """Return ([(id, flags)], {(id, server): [report or None per round]}, [failed runs])."""
    workloads = []
    for line in (results / "workloads.txt").read_text().splitlines():
        if line.strip():
            workload_id, flags = line.split("|", 1)
            workloads.append((workload_id, flags))
    reports = {}
    failed = []
    with open(results / "runs.tsv", newline="") as runs:
        for row in csv.DictReader(runs, delimiter="\t"):
            key = (row["id"], row["server"])
            path = results / row["id"] / f"{row['server']}-{row['round']}.json"
            report = None
            if row["exit"] == "0" and path.exists():
                report = json.loads(path.read_text())
                report["round"] = int(row["round"])
                memory = memory_growth(results / row["id"], row["server"], row["round"])
                if memory is not None:
                    report["memory"] = memory
            else:
                reason = row["exit"] if not row["exit"].isdigit() else "exit status " + row["exit"]
                if path.exists():
                    failure = json.loads(path.read_text()).get("failure")
                    if failure:
                        reason += ": " + failure
                failed.append(f"{row['id']} against {row['server']}, round {row['round']} ({reason})")
            reports.setdefault(key, []).append(report)
    return workloads, reports, failed


def memory_growth(directory, server, round_number):
    """Return the memory readings after minus before a scale run, in bytes, or None."""
    before_path = directory / f"{server}-{round_number}.memory-before.json"
    after_path = directory / f"{server}-{round_number}.memory-after.json"
    if not before_path.exists() or not after_path.exists():
        return None
    before = json.loads(before_path.read_text())
    after = json.loads(after_path.read_text())
    growth = {}
    for kind, field in (("rss", "rss_kib"), ("heap", "heap_used_kib")):
        if before.get(field) is not None and after.get(field) is not None:
            growth[kind] = (after[field] - before[field]) * 1024
    return growth


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Numbers:
    """Medians over the successful rounds of one workload on one server."""

    def __init__(self, reports):
        self.reports = [r for r in reports if r is not None]

    def of(self, pick):
        return median([pick(r) for r in self.reports])

    def throughput(self):
        return self.of(lambda r: r["throughput_per_second"])

    def latency(self, name):
        return self.of(lambda r: r["latency_ms"][name])

    def extra(self, name):
        return self.of(lambda r: r["extras"].get(name))

    def per_lease(self, kind):
        def pick(report):
            memory = report.get("memory")
            leases = report["extras"].get("leases granted")
            if not memory or kind not in memory or not leases:
                return None
            return memory[kind] / leases
        return self.of(pick)


def fmt(value, digits=None):
    if value is None:
        return "—"
    if digits is not None:
        return f"{value:,.{digits}f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(lessor, etcd):
    """Return Lessor/etcd, or a dash where a ratio means nothing, as for a negative time."""
    if lessor is None or etcd is None or lessor < 0 or etcd <= 0:
        return "—"
    return f"{lessor / etcd:.2f}"


def main_table(workloads, numbers):
    lines = [
        "| workload | etcd req/s | Lessor req/s | Lessor/etcd | etcd p50 ms | Lessor p50 ms | Lessor/etcd "
        "| etcd p99 ms | Lessor p99 ms | Lessor/etcd |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for workload_id, _ in workloads:
        if workload_id == "expiry-storm":
            continue
        etcd, lessor = numbers[(workload_id, "etcd")], numbers[(workload_id, "lessor")]
        cells = [f"`{workload_id}`: {DESCRIPTIONS.get(workload_id, '')}".rstrip(": ")]
        for pick in (lambda n: n.throughput(), lambda n: n.latency("p50"), lambda n: n.latency("p99")):
            e, l = pick(etcd), pick(lessor)
            cells += [fmt(e), fmt(l), ratio(l, e)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def storm_table(numbers):
    etcd, lessor = numbers[("expiry-storm", "etcd")], numbers[("expiry-storm", "lessor")]
    rows = [
        ("all keys gone after the TTL end, s", lambda n: n.extra("all keys gone after TTL end s")),
        ("first key gone after the TTL end, s", lambda n: n.extra("first key gone after TTL end s")),
        ("keys gone per second", lambda n: n.extra("keys gone per second")),
        ("spread of the final renewal pass, ms", lambda n: n.extra("final renewal spread ms")),
        ("concurrent puts per second during the storm", lambda n: n.throughput()),
        ("concurrent put p50 during the storm, ms", lambda n: n.latency("p50")),
        ("concurrent put p99 during the storm, ms", lambda n: n.latency("p99")),
    ]
    lines = ["| | etcd | Lessor | Lessor/etcd |", "|---|---:|---:|---:|"]
    for label, pick in rows:
        e, l = pick(etcd), pick(lessor)
        lines.append(f"| {label} | {fmt(e)} | {fmt(l)} | {ratio(l, e)} |")
    return "\n".join(lines)


def scale_table(numbers):
    etcd, lessor = numbers[("scale", "etcd")], numbers[("scale", "lessor")]
    rows = [
        ("leases granted", lambda n: n.extra("leases granted"), 0),
        ("grants per second", lambda n: n.throughput(), None),
        ("heap per lease after a full GC, bytes", lambda n: n.per_lease("heap"), 0),
        ("RSS growth per lease, bytes", lambda n: n.per_lease("rss"), 0),
    ]
    lines = ["| | etcd | Lessor | Lessor/etcd |", "|---|---:|---:|---:|"]
    for label, pick, digits in rows:
        e, l = pick(etcd), pick(lessor)
        lines.append(f"| {label} | {fmt(e, digits)} | {fmt(l, digits)} | {ratio(l, e)} |")
    return "\n".join(lines)


def rounds_table(workloads, reports, rounds):
    header = "| workload | server | " + " | ".join(f"round {i} req/s" for i in range(1, rounds + 1)) + " |"
    lines = [header, "|---|---|" + "---:|" * rounds]
    for workload_id, _ in workloads:
        for server in SERVERS:
            cells = []
            for report in reports.get((workload_id, server), []):
                cells.append("failed" if report is None else fmt(report["throughput_per_second"]))
            cells += ["—"] * (rounds - len(cells))
            name = "Lessor" if server == "lessor" else "etcd"
            lines.append(f"| `{workload_id}` | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_section(args, workloads, reports, failed):
    numbers = {key: Numbers(value) for key, value in reports.items()}
    for workload_id, _ in workloads:
        for server in SERVERS:
            numbers.setdefault((workload_id, server), Numbers([]))
    ids = [workload_id for workload_id, _ in workloads]
    cpus, memory_gib, model = machine_description()
    memory = format_memory(memory_gib, unknown="unknown memory")
    mode = " in quick mode (short runs, small lease counts: rough numbers)" if args.quick else ""
    rounds = "1 round" if args.rounds == 1 else f"{args.rounds} rounds"

    name = SECTION if not args.section else f"{SECTION}-{args.section}"
    title = "Lessor vs etcd" if not args.section else f"Lessor vs etcd: {args.section}"
    parts = section_start(name, title, f"Measured on {args.date}{mode}, {rounds} per workload.",
                          args.note)
    parts += [
        f"- Machine: {cpus} CPUs, {memory}, {model}; data directories on {args.data_fs}; load average "
        f"(1, 5, 15 min) {args.load_start} at the start, {args.load_end} at the end "
        f"(each run's is in `{args.results}/runs.tsv`)",
        f"- JDK: {args.jdk}, for Lessor and the load generator, with default JVM options",
        f"- etcd: {args.etcd_version}, single member, default options",
        f"- Command: `{args.command}`",
        "",
        "For each workload and round, the script starts a fresh etcd, runs the load generator "
        "against it, stops it, then does the same with a fresh Lessor, so the two alternate. Each "
        "server gets a free port of 127.0.0.1 and a new data directory, so no run inherits "
        "another's keys, leases or compaction state, and the heap of the scale run starts from a "
        "clean server. The load generator, the server and anything else running share the same "
        "CPUs. Numbers are the medians of the rounds. A Lessor/etcd ratio above 1 means more "
        "throughput, or a higher latency, for Lessor. Latency is measured by the load generator "
        "from sending a request to its response.",
        "",
        "Both servers make every write durable before they answer it. etcd does by default: it "
        "fdatasyncs its write-ahead log for each batch of Raft entries. Lessor applies writes in "
        "group commits and writes each group to RocksDB with the `sync` write option, which syncs "
        "RocksDB's write-ahead log before any request of the group is answered.",
        "",
        "### Throughput and latency",
        "",
        "The `req/s` of `lease-keepalive` counts renewals: each of the leases has one keep-alive "
        "in flight and sends the next as soon as its response arrives. Warm-up requests "
        "(`--warmup`) are not counted.",
        "",
        main_table(workloads, numbers),
        "",
    ]
    if "expiry-storm" in ids:
        parts += [
            "### Expiry storm",
            "",
            "Leases with one key each, renewed all at once so that they expire within the spread "
            "of that renewal pass, while 10 clients keep putting other keys. The TTL end is the "
            "last renewal response plus the TTL, when every lease has run out. The puts count from "
            "the earliest expiry until the count of the keys reaches 0. etcd revokes at most 1,000 "
            "expired leases per second by design (its `leaseRevokeRate`), so its time grows by "
            "about a second per 1,000 leases. The count is polled every 20 ms, which bounds the "
            "resolution of the times.",
            "",
            storm_table(numbers),
            "",
        ]
    if "scale" in ids:
        parts += [
            "### Scale",
            "",
            "Grants as many leases as the scale run's `--leases` as fast as 100 clients can, with "
            "a one-hour TTL so that none expires during the measurement. Memory is read before "
            "the grants and after them on the same server, and the difference is divided by the "
            "leases. For Lessor it is the heap in use after a full GC (`jcmd PID GC.run`, then "
            "the `used` of `jcmd PID GC.heap_info`), which leaves out RocksDB's memory outside "
            "the heap. For both it is also the growth of the resident set size (`VmRSS` of "
            "`/proc/PID/status`), which counts memory the process has taken and not returned, "
            "not only what the leases use. etcd's Go runtime cannot be made to collect from "
            "outside, so RSS is the only number for etcd.",
            "",
            scale_table(numbers),
            "",
        ]
    parts += [
        "### Every round",
        "",
        rounds_table(workloads, reports, args.rounds),
        "",
    ]
    if failed:
        parts += ["Runs that failed, left out of the medians: " + "; ".join(failed) + ".", ""]
    parts += [
        "### Commands",
        "",
        "Each run of the load generator was `bin/lessor bench FLAGS --endpoints URL --json FILE` "
        "(the script runs the same main class from a copy of `bench/target/lessor-bench.jar`), "
        "with these flags:",
        "",
        "| id | flags |",
        "|---|---|",
    ]
    parts += [f"| `{workload_id}` | `{flags}` |" for workload_id, flags in workloads]
    parts += [
        "",
        "- etcd: `etcd --name default --data-dir DIR --listen-client-urls URL "
        "--advertise-client-urls URL --listen-peer-urls PEER_URL --initial-advertise-peer-urls "
        "PEER_URL --initial-cluster default=PEER_URL --initial-cluster-state new`",
        "- Lessor: `java --enable-native-access=ALL-UNNAMED -cp lessor-cli.jar:CLASSPATH "
        "io.lessor.cli.Main serve --name default --data-dir DIR --listen-client-urls URL`, what "
        "`bin/lessor serve` runs, from copies of `cli/target/lessor-cli.jar` and the jars that "
        "`cli/target/classpath.txt` lists",
        "- readiness: `etcdctl --endpoints URL endpoint health` until it succeeds",
        "",
        f"Raw reports: `{args.results}/ID/SERVER-ROUND.json`, with the tables the load "
        "generator printed in the `.txt` files beside them. The directory is not committed.",
        "",
        markers(name)[1],
    ]
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, type=Path, help="the run's directory of raw reports")
    parser.add_argument("--doc", required=True, help="Markdown file whose marked section is replaced")
    parser.add_argument("--date", required=True)
    parser.add_argument("--rounds", required=True, type=int)
    parser.add_argument("--jdk", required=True)
    parser.add_argument("--etcd-version", required=True)
    parser.add_argument("--data-fs", required=True, help="file system type of the data directories")
    parser.add_argument("--command", required=True, help="the command line of the whole run")
    parser.add_argument("--load-start", required=True, help="load averages when the run started")
    parser.add_argument("--load-end", required=True, help="load averages when the run ended")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--note", default="", help="a remark printed above the tables")
    parser.add_argument("--section", default="", help="write the section vs-etcd-NAME instead of vs-etcd")
    args = parser.parse_args()

    workloads, reports, failed = load_runs(args.results)
    section = render_section(args, workloads, reports, failed)
    name = SECTION if not args.section else f"{SECTION}-{args.section}"
    replace_section(args.doc, name, section)
    sys.stdout.write(section)
    if failed:
        print("warning: failed runs: " + "; ".join(failed), file=sys.stderr)


if __name__ == "__main__":
    main()
