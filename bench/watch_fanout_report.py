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

START_MARKER = "<!-- watch-fanout:start -->"
END_MARKER = "<!-- watch-fanout:end -->"


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


def number(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


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
            number(watchers), number(any_run["streams"]), number(any_run["puts"]),
            number(lessor and lessor["events_per_second"]), number(etcd and etcd["events_per_second"]),
            number(ratio, 2),
            number(lessor and lessor["events"] / lessor["responses"], 1),
            number(etcd and etcd["events"] / etcd["responses"], 1),
            number(lessor and lessor["puts_per_second"]), number(etcd and etcd["puts_per_second"]),
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
            number(watchers), number(any_run["streams"]),
            number(per_watcher(lessor, "heap_before", "heap_after")),
            number(per_watcher(lessor, "rss_before", "rss_after")),
            number(per_watcher(etcd, "rss_before", "rss_after")),
            lessor["load1"] if lessor else "—", etcd["load1"] if etcd else "—"))
    return "\n".join(rows)


def machine_description():
    """Return (cpu count, memory in GiB, CPU model) read from /proc."""
    cpus = 0
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("processor"):
            cpus += 1
        elif line.startswith("model name") and model == "unknown":
            model = line.split(":", 1)[1].strip()
    memory_gib = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_gib = int(line.split()[1]) / (1024 * 1024)
    return cpus, memory_gib, model


def render_section(args, fanout, idle):
    cpus, memory_gib, model = machine_description()
    memory = f"{memory_gib:.1f} GiB" if memory_gib is not None else "unknown"
    parts = [
        START_MARKER,
        "## Watch fan-out: Lessor vs etcd",
        "",
        f"Measured on {args.date}.",
        "",
    ]
    if args.note:
        parts += [f"**Note:** {args.note}", ""]
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
        END_MARKER,
    ]
    return "\n".join(parts) + "\n"


def replace_section(doc_path, section):
    """Replace the marked section of the document, or append it if the markers are missing."""
    path = Path(doc_path)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start = text.find(START_MARKER)
    end = text.find(END_MARKER)
    if start >= 0 and end > start:
        text = text[:start] + section + text[end + len(END_MARKER):].lstrip("\n")
        if not text.endswith("\n"):
            text += "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


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
    replace_section(args.doc, section)
    sys.stdout.write(section)


if __name__ == "__main__":
    main()
