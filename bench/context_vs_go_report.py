#!/usr/bin/env python3
"""Join Go's context benchmarks and the JMH context suite into a Markdown section.

bench/context-vs-go.sh runs both suites and then this script, which writes one table per
benchmark shape and replaces the section between the markers in docs/benchmarks.md. Go's
numbers are the median of its -count runs. The JMH score of a run on several threads is
divided by its thread count, because Go's b.RunParallel reports wall-clock time divided by
the operations of all goroutines together.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

from report_common import (format_memory, machine_description, markers, replace_section,
                           section_start)

SECTION = "context-vs-go"

SUITE = "io.lessor.bench.context."

INTRO = """# Benchmarks

Measured numbers for Lessor, each section with the machine, the versions and the command
that produced it.

## How to rerun the context comparison

`bench/context-vs-go.sh` runs Go's own `context` benchmarks (`go test -bench` on the standard
library) and the JMH suite in `bench/` (package `io.lessor.bench.context`) one after the other
on the same machine, then rewrites the section below. It installs Go with apt-get if `go` is
missing and builds `bench/target/lessor-bench.jar` if it is missing. A full run takes about
13 minutes on 2 CPUs, and `--quick` gives rough numbers in about 5 minutes. Raw outputs stay in
`bench/results/context-vs-go/`.

The JMH suite repeats the shapes of Go's `context/benchmark_test.go` and measures grpc-java's
`io.grpc.Context` where it has the same operation. It adds one shape that Go lacks: a child
that is watched and closed under one parent, which is where Lessor's lazy attachment costs.
"""


def parse_go(path):
    """Return {name: {"ns": [...], "bytes": [...]}} from `go test -bench -benchmem` output."""
    line_pattern = re.compile(
        r"^Benchmark(?P<name>\S+)\s+\d+\s+(?P<ns>[\d.]+) ns/op"
        r"(?:\s+(?P<bytes>[\d.]+) B/op)?")
    results = {}
    for line in Path(path).read_text().splitlines():
        match = line_pattern.match(line)
        if not match:
            continue
        # Go appends "-GOMAXPROCS" to the name unless GOMAXPROCS is 1.
        name = re.sub(r"-\d+$", "", match.group("name"))
        entry = results.setdefault(name, {"ns": [], "bytes": []})
        entry["ns"].append(float(match.group("ns")))
        if match.group("bytes") is not None:
            entry["bytes"].append(float(match.group("bytes")))
    return results


def parse_jmh(path):
    """Return {(method, params): result} from a JMH JSON result file."""
    results = {}
    for run in json.loads(Path(path).read_text()):
        name = run["benchmark"]
        if name.startswith(SUITE):
            name = name[len(SUITE):]
        params = tuple(sorted((run.get("params") or {}).items()))
        allocation = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        results[(name, params)] = {
            "score": run["primaryMetric"]["score"],
            "error": run["primaryMetric"]["scoreError"],
            "threads": run["threads"],
            "bytes": allocation["score"] if allocation else None,
            "run": run,
        }
    return results


class Lookup:
    """Finds the numbers of one table row in the parsed outputs."""

    def __init__(self, go_default, go_one_cpu, jmh):
        self.go_default = go_default
        self.go_one_cpu = go_one_cpu
        self.jmh = jmh
        self.missing = []

    def go(self, name, one_cpu=False):
        """Return (median ns/op, median B/op) of a Go benchmark, or (None, None)."""
        source = self.go_one_cpu if one_cpu else self.go_default
        entry = source.get(name)
        if entry is None:
            self.missing.append("Go " + name + (" -cpu 1" if one_cpu else ""))
            return None, None
        ns = statistics.median(entry["ns"])
        allocated = statistics.median(entry["bytes"]) if entry["bytes"] else None
        return ns, allocated

    def java(self, method, **params):
        """Return (ns/op as Go counts it, B/op) of a JMH benchmark, or (None, None)."""
        key = (method, tuple(sorted((k, str(v)) for k, v in params.items())))
        result = self.jmh.get(key)
        if result is None:
            self.missing.append("JMH " + method + " " + str(params))
            return None, None
        return result["score"] / result["threads"], result["bytes"]


def format_ns(value):
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def format_bytes(value):
    return "—" if value is None else f"{value:,.0f}"


def format_ratio(lessor, go):
    if lessor is None or go is None or go == 0:
        return "—"
    return f"{lessor / go:.2f}"


def table(rows):
    """Render rows of (case, go, lessor, grpc) where each number is a (ns, bytes) pair."""
    lines = [
        "| case | Go ns/op | Lessor ns/op | grpc-java ns/op | Lessor/Go | Go B/op | Lessor B/op | grpc-java B/op |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, go, lessor, grpc in rows:
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            case,
            format_ns(go[0]), format_ns(lessor[0]), format_ns(grpc[0]),
            format_ratio(lessor[0], go[0]),
            format_bytes(go[1]), format_bytes(lessor[1]), format_bytes(grpc[1])))
    return "\n".join(lines)


NONE = (None, None)


def build_tables(lookup, cpus):
    """Return [(title, explanation, rows)] for every shape."""
    tables = []
    all_cpus = f"{cpus} threads" if cpus > 1 else "1 thread"

    rows = []
    for depth in (1, 10, 100, 1000):
        for root in ("Background", "OpenCanceler", "ClosedCanceler"):
            case = f"depth={depth}/Root={root}"
            rows.append((case, lookup.go("CancelTree/" + case),
                         lookup.java("CancelTreeBenchmark.lessor", depth=depth, root=root),
                         lookup.java("CancelTreeBenchmark.grpc", depth=depth, root=root)))
    tables.append(("CancelTree",
                   "Builds a chain of `depth` cancelable contexts under the root, then cancels the "
                   "root (`OpenCanceler`), or cancels the root first (`ClosedCanceler`), or never "
                   "cancels (`Background`). No code watches the chain, so Lessor attaches none of "
                   "it, while Go attaches every context to its parent.", rows))

    rows = []
    for depth in (1, 10, 100, 1000):
        for root in ("Background", "OpenCanceler", "ClosedCanceler"):
            case = f"depth={depth}/Root={root}"
            rows.append((case, lookup.go("CancelTree/" + case),
                         lookup.java("CancelTreeBenchmark.lessorWatchedLeaf", depth=depth, root=root),
                         NONE))
    tables.append(("CancelTree, last context watched",
                   "The same chains, with `done()` called on the last context, which attaches the "
                   "whole chain as Go's `WithCancel` does. The Go column repeats the table above.",
                   rows))

    tables.append(("CheckCanceled",
                   "Asks a cancelled context whether it has ended, on one thread. Go's `Err()` is "
                   "`reason()` in Lessor and `isCancelled()` in grpc-java. Go's non-blocking "
                   "receive from `Done()` is `done().isFired()`.",
                   [("Err", lookup.go("CheckCanceled/Err"),
                     lookup.java("CheckCanceledBenchmark.lessorErr"),
                     lookup.java("CheckCanceledBenchmark.grpcErr")),
                    ("Done", lookup.go("CheckCanceled/Done"),
                     lookup.java("CheckCanceledBenchmark.lessorDone"), NONE)]))

    tables.append(("ContextCancelDone",
                   f"Polls the done signal of one open context on {all_cpus} at once.",
                   [(all_cpus, lookup.go("ContextCancelDone"),
                     lookup.java("ContextCancelDoneBenchmark.lessor"), NONE)]))

    rows = []
    for concurrency in (40, 4000, 400000):
        rows.append((f"concurrency={concurrency}, 1 thread",
                     lookup.go(f"WithTimeout/concurrency={concurrency}", one_cpu=True),
                     lookup.java("WithTimeoutBenchmark.oneThread", concurrency=concurrency),
                     lookup.java("GrpcWithTimeoutBenchmark.oneThread", concurrency=concurrency)))
        rows.append((f"concurrency={concurrency}, {all_cpus}",
                     lookup.go(f"WithTimeout/concurrency={concurrency}"),
                     lookup.java("WithTimeoutBenchmark.allCpus", concurrency=concurrency),
                     lookup.java("GrpcWithTimeoutBenchmark.allCpus", concurrency=concurrency)))
    tables.append(("WithTimeout",
                   "One operation creates ten one-hour timeouts under the background context and "
                   "cancels them, while `concurrency` other timeouts stay pending. The 1-thread "
                   "rows compare with Go run with `-cpu 1`, and the other rows with Go's default "
                   "`GOMAXPROCS`, one goroutine per CPU. grpc-java uses `withDeadlineAfter` on one "
                   "shared scheduler thread.", rows))

    rows = []
    for depth in (10, 20, 30, 50, 100):
        rows.append((f"depth={depth}, same thread",
                     lookup.go(f"DeepValueSameGoRoutine/depth={depth}"),
                     lookup.java("DeepValueBenchmark.lessorSameThread", depth=depth),
                     lookup.java("DeepValueBenchmark.grpcSameThread", depth=depth)))
    for depth in (10, 20, 30, 50, 100):
        rows.append((f"depth={depth}, new thread",
                     lookup.go(f"DeepValueNewGoRoutine/depth={depth}"),
                     lookup.java("DeepValueNewThreadBenchmark.lessor", depth=depth),
                     lookup.java("DeepValueNewThreadBenchmark.grpc", depth=depth)))
    tables.append(("DeepValue",
                   "Looks up a key that none of `depth` value bindings contains. \"New thread\" runs "
                   "the lookup on a new goroutine in Go and on a new virtual thread in Java, and "
                   "waits for it. Because Go's benchmark itself runs on a goroutine, the JMH "
                   "benchmark thread of those rows is a virtual thread too "
                   "(`-Djmh.executor=VIRTUAL`). grpc-java keeps values in a hash trie and does not "
                   "walk the chain.", rows))

    divisions = format_ns(lookup.java("CommonParentCancelBenchmark.divisionsOnly")[0])
    tables.append(("CommonParentCancel",
                   f"On {all_cpus} at once: derive a cancelable child of one shared parent, read a "
                   "value through it, cancel it, with 100 dependent integer divisions after the "
                   "read and after the cancel. In the JVM the divisions alone take "
                   f"{divisions} ns/op (JMH `divisionsOnly`), and Go's suite has no such control.",
                   [(all_cpus, lookup.go("CommonParentCancel"),
                     lookup.java("CommonParentCancelBenchmark.lessor"),
                     lookup.java("CommonParentCancelBenchmark.grpc"))]))

    tables.append(("WatchedChild (not in Go)",
                   "Creates a child of one shared open parent, watches it (`done()` in Lessor, a "
                   "cancellation listener in grpc-java) and closes it. The unwatched row skips "
                   "the watch, so the difference is the cost of attaching to the parent and "
                   "detaching from it. Go has no such benchmark. Its nearest number is "
                   "CancelTree `depth=1/Root=OpenCanceler`, which also creates the parent. "
                   "grpc-java 1.85.1 leaves the child's entry in the parent's listener list when "
                   "the child is cancelled (1000 such children leave 1000 entries), so its rows "
                   "measure a list that grows during the run, not a steady per-operation cost.",
                   [("unwatched, 1 thread", NONE,
                     lookup.java("WatchedChildBenchmark.lessorUnwatched"), NONE),
                    ("watched, 1 thread", NONE,
                     lookup.java("WatchedChildBenchmark.lessorWatched"),
                     lookup.java("WatchedChildBenchmark.grpcWatched")),
                    (f"watched, {all_cpus}", NONE,
                     lookup.java("WatchedChildBenchmark.lessorWatchedAllCpus"),
                     lookup.java("WatchedChildBenchmark.grpcWatchedAllCpus"))]))
    return tables


def render_section(args, tables, jmh, missing):
    any_run = next(iter(jmh.values()))["run"] if jmh else {}
    jdk = "{} {} (JDK {})".format(any_run.get("vmName", "?"), any_run.get("vmVersion", "?"),
                                  any_run.get("jdkVersion", "?"))
    jvm_args = " ".join(any_run.get("jvmArgs", []))
    memory = format_memory(args.memory_gib)

    parts = section_start(
        SECTION, "Lessor context vs Go context",
        f"Measured on {args.date}{' in quick mode (rough numbers)' if args.quick else ''}.", args.note)
    parts += [
        f"- Machine: {args.cpus} CPUs (`nproc` {args.nproc}), {memory}, {args.cpu_model}, "
        f"load average {args.load_start} at the start, {args.load_end} at the end",
        f"- JDK: {jdk}, JVM options `{jvm_args}`, JMH {any_run.get('jmhVersion', '?')}",
        f"- Go: {args.go_version}",
        f"- Command: `{args.command}`, which ran:",
        f"  - `{args.go_command}`",
        f"  - `{args.go_one_cpu_command}`",
        f"  - `{args.jmh_command}`",
        "",
        "Go's numbers are the median of its runs, and Lessor's and grpc-java's are JMH means. "
        "Where a row runs on several threads, the JMH per-thread time is divided by the "
        "thread count, which is how Go's `b.RunParallel` counts. A Lessor/Go ratio below 1.0 "
        "means Lessor is faster. B/op is Go's `-benchmem` and JMH's `gc.alloc.rate.norm`.",
        "",
    ]
    for title, explanation, rows in tables:
        parts += [f"### {title}", "", explanation, "", table(rows), ""]
    if missing:
        parts += ["Missing from the outputs: " + "; ".join(missing) + ".", ""]
    parts.append(markers(SECTION)[1])
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--go", required=True, help="output of go test -bench with default GOMAXPROCS")
    parser.add_argument("--go-one-cpu", required=True, help="output of go test -bench -cpu 1 (WithTimeout only)")
    parser.add_argument("--jmh", required=True, help="JMH result file, JSON")
    parser.add_argument("--doc", required=True, help="Markdown file whose marked section is replaced")
    parser.add_argument("--date", required=True)
    parser.add_argument("--nproc", required=True, type=int, help="the output of nproc")
    parser.add_argument("--go-version", required=True)
    parser.add_argument("--command", required=True, help="the command line of the whole run")
    parser.add_argument("--go-command", required=True)
    parser.add_argument("--go-one-cpu-command", required=True)
    parser.add_argument("--jmh-command", required=True)
    parser.add_argument("--load-start", required=True, help="1-minute load average when the run started")
    parser.add_argument("--load-end", required=True, help="1-minute load average when the run ended")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--note", default="", help="a remark printed above the tables")
    args = parser.parse_args()

    args.cpus, args.memory_gib, args.cpu_model = machine_description()
    jmh = parse_jmh(args.jmh)
    lookup = Lookup(parse_go(args.go), parse_go(args.go_one_cpu), jmh)
    tables = build_tables(lookup, args.nproc)
    section = render_section(args, tables, jmh, lookup.missing)
    replace_section(args.doc, SECTION, section, new_document=INTRO)
    sys.stdout.write(section)
    if lookup.missing:
        print("warning: missing results: " + "; ".join(lookup.missing), file=sys.stderr)


if __name__ == "__main__":
    main()
