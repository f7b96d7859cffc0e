#!/usr/bin/env python3
"""Turn the results of bench/watch-fanout.sh into a Markdown section of docs/benchmarks.md.

The script reads the JSON lines that watch-fanout.sh keeps in bench/results/watch-fanout/ (one
file per fan-out run and per idle-watcher measurement), writes two tables, and replaces the
section between the watch-fanout markers in the document.
"""

import argparse
import json
import sys
from pathlib import Path

from report_common import (format_memory, format_number, machine_description, markers,
                           replace_section, section_start)

SECTION = "watch-fanout"


def load(results):
    """Return ({(target, watchers): run}, {(target, watchers): idle}) from the results directory."""
    fanout, idle = {}, {}
    for path in sorted(Path(results).glob("*.json")):
        record = json.loads(path.read_text())
        if "-fanout-" in path.name:
            fanout[(record["target"], record["watchers"])] = record
        elif "-idle-" in path.name:
            idle[(record["target"], record["watchers"])] = record
    return fanout, idle


def fanout_table(fanout):
    rows = ["| watchers | streams | puts | Lessor events/s | etcd events/s | Lessor/etcd "
            "| Lessor events per response | etcd events per response | Lessor puts/s | etcd puts/s "
            "| load (Lessor, etcd) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for watchers in sorted({w for _, w in fanout}):
        lessor = fanout.get(("lessor", watchers))
        etcd = fanout.get(("etcd", watchers))
        any_run = lessor or etcd
        ratio = (lessor["events_per_second"] / etcd["events_per_second"]
                 if lessor and etcd and etcd["events_per_second"] else None)
        rows.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}, {} |".format(
            format_number(watchers), format_number(any_run["streams"]), format_number(any_run["puts"]),
            format_number(lessor and lessor["events_per_second"]),
            format_number(etcd and etcd["events_per_second"]),
            format_number(ratio, 2),
            format_number(lessor and lessor["events"] / lessor["responses"], 1),
            format_number(etcd and etcd["events"] / etcd["responses"], 1),
            format_number(lessor and lessor["puts_per_second"]),
            format_number(etcd and etcd["puts_per_second"]),
            lessor["load1"] if lessor else "—", etcd["load1"] if etcd else "—"))
    return "\n".join(rows)


def per_watcher(record, before, after):
    if record is None or record[after] == 0:
        return None
    return (record[after] - record[before]) / record["watchers"]


def idle_table(idle):
    rows = ["| idle watchers | streams | Lessor retained heap per watcher | Lessor RSS growth per watcher "
            "| etcd RSS growth per watcher | load (Lessor, etcd) |",
            "|---:|---:|---:|---:|---:|---|"]
    for watchers in sorted({w for _, w in idle}):
        lessor = idle.get(("lessor", watchers))
        etcd = idle.get(("etcd", watchers))
        any_run = lessor or etcd
        rows.append("| {} | {} | {} B | {} B | {} B | {}, {} |".format(
            format_number(watchers), format_number(any_run["streams"]),
            format_number(per_watcher(lessor, "heap_before", "heap_after")),
            format_number(per_watcher(lessor, "rss_before", "rss_after")),
            format_number(per_watcher(etcd, "rss_before", "rss_after")),
            lessor["load1"] if lessor else "—", etcd["load1"] if etcd else "—"))
    return "\n".join(rows)


def render_section(args, fanout, idle):
    cpus, memory_gib, model = machine_description()
    memory = format_memory(memory_gib)
    parts = section_start(SECTION, "Watch fan-out: Lessor vs etcd", f"Measured on {args.date}.", args.note)
    parts += [
        f"- Machine: {cpus} CPUs (`nproc` {args.nproc}), {memory}, {model}, "
        f"load average {args.load_start} at the start, {args.load_end} at the end",
        f"- JDK: {args.java_version}; etcd: {args.etcd_version}",
        f"- Command: `{args.command}`, which ran against each server:",
        f"  - `{args.fanout_command}`",
        f"  - `{args.idle_command}`",
        "",
        "Each server ran as a process of its own on 127.0.0.1 with a fresh data directory, and the "
        "benchmark client ran in another JVM on the same machine, so the client's CPU counts "
        "against the server's. Every fan-out watcher watches the same prefix from the current "
        "revision, 100 watchers to a Watch stream, the streams spread over 4 gRPC connections. The writer "
        "puts 16-byte values under the prefix with 64 puts in flight; a tenth of the puts go "
        "first as a warm-up. Events/s counts the events that all watchers received, from the "
        "first measured put until the last watcher had the last put's event. Events per "
        "response shows how much the server grouped revisions for watchers that fell behind.",
        "",
        "### Events delivered per second",
        "",
        fanout_table(fanout),
        "",
        "### Memory per idle watcher",
        "",
        "Each idle watcher watches a prefix of its own (`idle/0/`, `idle/1/`, ...), 100 to a "
        "stream, so that its key counts in full. Before the baseline, 1000 watchers are opened "
        "and closed, so that the classes and buffers that watching needs are in place. "
        "Lessor's retained heap is the live heap after a full GC (`jcmd PID GC.class_histogram`) "
        "with the watchers open, minus the same before they were opened, divided by the "
        "watchers. It includes each watcher's share of its stream and of the stream's worker "
        "thread. RSS growth is the resident set size of the server process with the watchers "
        "open minus before, divided by the watchers: for etcd that is the only figure, and it is "
        "RSS, not heap. The JVM's RSS follows its heap sizing rather than the live data.",
        "",
        idle_table(idle),
        "",
        markers(SECTION)[1],
    ]
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, help="directory of the JSON results")
    parser.add_argument("--doc", required=True, help="Markdown file whose marked section is replaced")
    parser.add_argument("--date", required=True)
    parser.add_argument("--nproc", required=True, type=int, help="the output of nproc")
    parser.add_argument("--java-version", required=True)
    parser.add_argument("--etcd-version", required=True)
    parser.add_argument("--command", required=True, help="the command line of the whole run")
    parser.add_argument("--fanout-command", required=True)
    parser.add_argument("--idle-command", required=True)
    parser.add_argument("--load-start", required=True, help="1-minute load average when the run started")
    parser.add_argument("--load-end", required=True, help="1-minute load average when the run ended")
    parser.add_argument("--note", default="", help="a remark printed above the tables")
    args = parser.parse_args()

    fanout, idle = load(args.results)
    if not fanout and not idle:
        sys.exit(f"error: no results in {args.results}; run bench/watch-fanout.sh")
    section = render_section(args, fanout, idle)
    replace_section(args.doc, SECTION, section)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
