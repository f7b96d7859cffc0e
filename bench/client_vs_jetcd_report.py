#!/usr/bin/env python3
"""Turn the keep-alive measurements of Lessor's client and jetcd into a Markdown section.

bench/client-vs-jetcd.sh runs io.lessor.bench.keepalive.Main once per client, lease count and
round, each printing one JSON line, and then this script, which writes the medians over the
rounds as a table and replaces the section between the markers in docs/benchmarks.md.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

from report_common import (format_memory, format_number, machine_description, markers,
                           replace_section, section_start)

SECTION = "client-vs-jetcd"

CLIENTS = ("lessor", "jetcd")
CLIENT_NAMES = {"lessor": "Lessor", "jetcd": "jetcd 0.8.6"}


def read_runs(path):
    """Return the measurements, one dict per JSON line, with the CPU per renewal added."""
    runs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    for run in runs:
        if run.get("renewals", 0) > 0:
            run["cpuMicrosPerRenewal"] = run["cpuMillis"] * 1000 / run["renewals"]
    return runs


def median(runs, field):
    values = [run[field] for run in runs if run.get(field) is not None and run[field] >= 0]
    return statistics.median(values) if values else None


def format_range(runs, field, digits=0):
    """Return the median, with the range over the rounds where they differ."""
    values = sorted(run[field] for run in runs if run.get(field) is not None and run[field] >= 0)
    if not values:
        return "—"
    middle = format_number(statistics.median(values), digits)
    low = format_number(values[0], digits)
    high = format_number(values[-1], digits)
    if low != high:
        return f"{middle} ({low}–{high})"
    return middle


def main_table(groups, lease_counts):
    lines = [
        "| leases | client | threads added by the client | CPU % of one core | CPU µs per renewal "
        "| renewals/s | keep-alives ended before close | server CPU % of one core | close() ms "
        "| threads left 1 s after close | non-daemon threads left | load average at the start |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for leases in lease_counts:
        for client in CLIENTS:
            runs = groups.get((leases, client), [])
            if not runs:
                continue
            expected = runs[0]["expectedRenewalsPerSecond"]
            rate_digits = 1 if expected < 10 else 0
            left = format_range(runs, "threadsLeftAfterClose")
            non_daemon = format_range(runs, "nonDaemonLeftAfterClose")
            lines.append("| {:,} | {} | {} | {} | {} | {} (expected {}) | {} | {} | {} | {} | {} | {} |".format(
                leases, CLIENT_NAMES[client],
                format_range(runs, "threadsAdded"),
                format_range(runs, "cpuPercentOfCore", 1),
                format_range(runs, "cpuMicrosPerRenewal", 1),
                format_range(runs, "renewalsPerSecond", rate_digits), format_number(expected, rate_digits),
                format_range(runs, "endedBeforeClose"),
                format_range(runs, "serverCpuPercentOfCore", 1),
                format_range(runs, "closeMillis", 1),
                left, non_daemon,
                format_range(runs, "loadAverage", 2)))
    return "\n".join(lines)


def detail_table(groups, lease_counts):
    """Return the table of where the threads and the CPU went, from round 1 of each client and count."""
    lines = [
        "| leases | client | threads added, by name | CPU ms in the window, by thread | GC ms | JIT ms "
        "| grants, s | time in keepAlive() calls, ms | server requests/s, responses/s | threads left after close, by name |",
        "|---:|---|---|---|---:|---:|---:|---:|---|---|",
    ]
    for leases in lease_counts:
        for client in CLIENTS:
            runs = groups.get((leases, client), [])
            if not runs:
                continue
            run = runs[0]
            added = ", ".join(f"`{name}` {count:+d}" for name, count in run["threadsAddedByGroup"].items()) or "none"
            cpu = ", ".join(f"`{name}` {millis:,}" for name, millis in run["cpuByThreadGroup"].items() if millis > 0)
            left = ", ".join(f"`{name}` {count:+d}" for name, count in run["threadsLeftByGroup"].items()) or "none"
            requests = run.get("serverRequestsPerSecond", -1)
            responses = run.get("serverResponsesPerSecond", -1)
            server = "—" if requests < 0 else f"{requests:,.0f}, {responses:,.0f}"
            lines.append("| {:,} | {} | {} | {} | {} | {} | {:,.1f} | {:,} | {} | {} |".format(
                leases, CLIENT_NAMES[client], added, cpu or "—",
                format_range(runs, "gcMillis"), format_range(runs, "jitMillis"),
                run["grantMillis"] / 1000, run["keepAliveCallsMillis"], server, left))
    return "\n".join(lines)


def render_section(args, runs):
    groups = {}
    for run in runs:
        groups.setdefault((run["leases"], run["client"]), []).append(run)
    lease_counts = sorted({run["leases"] for run in runs})
    rounds = max((run.get("round", 1) for run in runs), default=0)
    cpus, memory_gib, model = machine_description()
    memory = format_memory(memory_gib)
    any_run = runs[0] if runs else {}

    parts = section_start(
        SECTION, "Lessor client vs jetcd: keeping leases alive",
        f"Measured on {args.date}{' in quick mode (rough numbers)' if args.quick else ''}.", args.note)
    parts += [
        "`bench/client-vs-jetcd.sh` runs `io.lessor.bench.keepalive.Main` once per client, lease "
        "count and round, each in a fresh JVM against a fresh server, so that the JVM's threads "
        "and CPU are the client's alone. The clients alternate (Lessor, jetcd, Lessor, jetcd, ...). "
        "Each run grants the leases on a gRPC channel of its own (pipelined, up to 100 grants "
        "in flight) and starts a keep-alive per lease as soon as it is granted, spread over one "
        "renewal period. Then it waits until every lease has had a response, settles, and "
        "measures over the window. Lessor's consumer is a `Flow.Subscriber` of each `KeepAlive`, "
        "and jetcd's is a `StreamObserver` passed to `getLeaseClient().keepAlive(id, observer)`. "
        "Raw outputs, one JSON line per run, and the logs are in `bench/results/client-vs-jetcd/`.",
        "",
        f"- Machine: {cpus} CPUs (`nproc` {args.nproc}), {memory}, {model}, load average "
        f"{args.load_start} at the start, {args.load_end} at the end",
        f"- JDK: {args.jdk}, JVM options `{args.jvm_options}`",
        f"- Server: {args.server_version}, a fresh data directory per run",
        f"- Leases granted with TTL {any_run.get('ttlSeconds', '?')} s; settle "
        f"{any_run.get('settleMillis', 0) / 1000:g} s, window {any_run.get('windowMillis', 0) / 1000:.0f} s, "
        f"{rounds} round(s)",
        f"- Command: `{args.command}`, which ran per measurement:",
        f"  - `{args.measure_command}`",
        "",
        "Each cell is the median over the rounds, with the range in brackets where the rounds "
        "differ. Threads are live platform threads of the JVM (virtual threads are not counted, "
        "their carrier threads are): the most seen in the window minus the count before the "
        "grants and the client started. CPU is the process's CPU time in the window (every "
        "thread, GC and JIT included) per second of wall-clock time. CPU per renewal is the "
        "same CPU time divided by the renewals read in the window, which depends less on the "
        "machine's load than the percentage does. The expected renewal rate "
        "is leases / (TTL / 3). The load average is the machine's 1-minute load when the run "
        "started. A keep-alive that ended before close means the client gave up "
        "on a lease (not renewed within its TTL or its first-response timeout). Server CPU is "
        "the server process's CPU time in the same window. Threads left are counted 1 s after "
        "`close()` returned, against the same baseline.",
        "",
        main_table(groups, lease_counts),
        "",
        "### Where the threads and the CPU went (round 1)",
        "",
        "Thread names with digits replaced by N. `ForkJoinPool-N-worker-N` are the carrier threads "
        "of virtual threads, shared by the whole JVM, and `lessor-timer` is the timer thread of "
        "`io.lessor.context`, also shared. The grants overlap the start of the keep-alives, and "
        "the time in keepAlive() calls adds up the calls that started them. The server's "
        "requests and responses are its LeaseKeepAlive message counters (etcd's "
        "`grpc_server_msg_received_total` and `grpc_server_msg_sent_total`) over the window.",
        "",
        detail_table(groups, lease_counts),
        "",
        markers(SECTION)[1],
    ]
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", required=True, help="the JSON lines of the measurements")
    parser.add_argument("--doc", required=True, help="Markdown file whose marked section is replaced")
    parser.add_argument("--date", required=True)
    parser.add_argument("--nproc", required=True, type=int, help="the output of nproc")
    parser.add_argument("--jdk", required=True, help="the JVM's version line")
    parser.add_argument("--server-version", required=True)
    parser.add_argument("--jvm-options", required=True)
    parser.add_argument("--command", required=True, help="the command line of the whole run")
    parser.add_argument("--measure-command", required=True, help="the command of one measurement")
    parser.add_argument("--load-start", required=True, help="1-minute load average when the run started")
    parser.add_argument("--load-end", required=True, help="1-minute load average when the run ended")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--note", default="", help="a remark printed above the table")
    args = parser.parse_args()

    runs = read_runs(args.runs)
    if not runs:
        print(f"error: no measurements in {args.runs}", file=sys.stderr)
        sys.exit(1)
    section = render_section(args, runs)
    replace_section(args.doc, SECTION, section)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
