#!/usr/bin/env bash
# Runs the load generator (bin/lessor bench) against a real etcd and against Lessor on this
# machine. Each workload runs on fresh servers in alternation: etcd, Lessor, etcd, Lessor, ...
# Then it rewrites the "Lessor vs etcd" section of docs/benchmarks.md with the medians of the
# rounds and the Lessor/etcd ratios. Raw JSON reports stay in bench/results/vs-etcd/TIME/, one
# directory per run. It exits 1 if a server did not start or a load run failed, after it has
# written the section, which marks those runs.
#
# Usage: bench/vs-etcd.sh [--quick] [--rounds N] [--only IDS] [--note TEXT] [--doc FILE]
#                         [--section NAME] [--bench-jar FILE] [--lessor-cli DIR]
#   --quick            short runs, smaller lease counts and 1 round: checks the script end to
#                      end in a few minutes; the numbers are rough
#   --rounds N         rounds per workload, each on a fresh etcd and a fresh Lessor (default 3,
#                      1 with --quick)
#   --only IDS         run only these workload ids, comma-separated (see the table in the
#                      script); the section then lists only those
#   --note TEXT        a remark printed above the tables, such as "other builds were running"
#   --doc FILE         the Markdown file to update (default: docs/benchmarks.md)
#   --section NAME     write the section marked vs-etcd-NAME, titled "Lessor vs etcd: NAME",
#                      instead of the one marked vs-etcd; docs/benchmarks.md keeps the
#                      workloads without targets in the section "other"
#   --bench-jar FILE   the shaded bench jar to run (default: bench/target/lessor-bench.jar,
#                      built by bin/lessor when it is missing or older than its sources)
#   --lessor-cli DIR   the directory with lessor-cli.jar and classpath.txt of the server to run
#                      (default: cli/target, built by bin/lessor the same way)
#
# Needs python3, a JDK 21 or newer (with jcmd), and etcd 3.4 with etcdctl; runs bin/install-etcd
# when etcd is missing. Both servers listen on free ports of 127.0.0.1 only, with their data in
# a temporary directory that is deleted at the end. Every process the script starts is stopped
# when it exits, also on Ctrl-C.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. bench/lib.sh

quick=false
rounds=""
only=""
note=""
doc="docs/benchmarks.md"
section=""
bench_jar=""
lessor_cli=""
command_line="bench/vs-etcd.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      quick=true
      command_line+=" --quick"
      shift
      ;;
    --rounds | --only | --note | --doc | --section | --bench-jar | --lessor-cli)
      [ $# -ge 2 ] || { echo "vs-etcd: $1 needs a value. See --help." >&2; exit 2; }
      case "$1" in
        --rounds) rounds=$2 ;;
        --only) only=$2 ;;
        --note) note=$2 ;;
        --doc) doc=$2 ;;
        --section) section=$2 ;;
        --bench-jar) bench_jar=$2 ;;
        --lessor-cli) lessor_cli=$2 ;;
      esac
      if [ "$1" = --note ]; then
        command_line+=" --note $(bench_quote "$2")"
      elif [[ "$2" =~ ^[A-Za-z0-9_./,:=+-]+$ ]]; then
        command_line+=" $1 $2"
      else
        command_line+=" $1 $(bench_quote "$2")"
      fi
      shift 2
      ;;
    -h | --help)
      bench_print_help
      exit 0
      ;;
    *)
      echo "vs-etcd: unknown option $1. See --help." >&2
      exit 2
      ;;
  esac
done
if [ -z "$rounds" ]; then
  if $quick; then rounds=1; else rounds=3; fi
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "vs-etcd: --rounds must be a positive whole number, got '$rounds'" >&2
  exit 2
fi

# The workloads: an id, then the flags of bin/lessor bench. Each runs against both servers.
# Durations, lease counts and client counts are smaller with --quick.
if $quick; then
  run_for="--duration 2s --warmup 1s"
  workloads=(
    "put-1client|put --conns 1 --clients 1 $run_for"
    "put|put --conns 10 --clients 100 $run_for"
    "put-lease|put --lease --leases 100 --conns 10 --clients 100 $run_for"
    "range-l|range --consistency l --conns 10 --clients 100 $run_for"
    "range-s|range --consistency s --conns 10 --clients 100 $run_for"
    "txn|txn --conns 10 --clients 10 $run_for"
    "lease-grant|lease-grant --conns 10 --clients 100 $run_for"
    "lease-keepalive|lease-keepalive --leases 1000 --conns 10 --clients 100 $run_for"
    "lease-revoke|lease-revoke --total 3000 --conns 10 --clients 100"
    "expiry-storm|expiry-storm --leases 2000 --ttl 5s --conns 10 --clients 10"
    "scale|scale --leases 50000 --conns 10 --clients 100"
  )
else
  run_for="--duration 10s --warmup 5s"
  workloads=(
    "put-1client|put --conns 1 --clients 1 $run_for"
    "put|put --conns 10 --clients 100 $run_for"
    "put-lease|put --lease --leases 1000 --conns 10 --clients 100 $run_for"
    "range-l|range --consistency l --conns 10 --clients 100 $run_for"
    "range-s|range --consistency s --conns 10 --clients 100 $run_for"
    "txn|txn --conns 10 --clients 10 $run_for"
    "lease-grant|lease-grant --conns 10 --clients 100 $run_for"
    "lease-keepalive|lease-keepalive --leases 10000 --conns 10 --clients 100 $run_for"
    "lease-revoke|lease-revoke --total 20000 --conns 10 --clients 100"
    "expiry-storm|expiry-storm --leases 10000 --ttl 10s --conns 10 --clients 10"
    "scale|scale --leases 1000000 --conns 10 --clients 100"
  )
fi
if [ -n "$section" ] && ! [[ "$section" =~ ^[a-z0-9-]+$ ]]; then
  echo "vs-etcd: invalid --section '$section': use lower-case letters, digits and dashes" >&2
  exit 2
fi
if [ -n "$only" ]; then
  selected=()
  for id in ${only//,/ }; do
    found=false
    for entry in "${workloads[@]}"; do
      if [ "${entry%%|*}" = "$id" ]; then
        selected+=("$entry")
        found=true
      fi
    done
    if ! $found; then
      echo "vs-etcd: --only: unknown workload id '$id'; the ids are: $(printf '%s ' "${workloads[@]%%|*}")" >&2
      exit 2
    fi
  done
  workloads=("${selected[@]}")
fi

bench_setup_java
jcmd="$JAVA_HOME/bin/jcmd"
bench_require_python3
if [ ! -x "$jcmd" ]; then
  echo "vs-etcd: $jcmd not found; the heap per lease of the scale workload needs the JDK's jcmd" >&2
  exit 1
fi
bench_require_etcd
etcd_version=$(etcd --version | sed -n 's/^etcd Version: //p')

# bin/lessor builds a command's jars when they are missing or older than their sources, so
# asking each command for its help brings its jars up to date.
if [ -z "$bench_jar" ]; then
  bin/lessor bench --help >/dev/null
  bench_jar=bench/target/lessor-bench.jar
fi
if [ -z "$lessor_cli" ]; then
  bin/lessor serve --help >/dev/null
  lessor_cli=cli/target
fi
for file in "$bench_jar" "$lessor_cli/lessor-cli.jar" "$lessor_cli/classpath.txt"; do
  if [ ! -f "$file" ]; then
    echo "vs-etcd: $file not found" >&2
    exit 1
  fi
done

# etcd reads ETCD_* variables as flags, so none from the caller's environment may get through.
while read -r name; do
  unset "$name"
done < <(compgen -e | grep '^ETCD' || true)

results=bench/results/vs-etcd/$(date -u '+%Y%m%dT%H%M%SZ')
work=$(mktemp -d -t lessor-vs-etcd.XXXXXX)
server_pid=""
bench_pid=""

cleanup() {
  if [ -n "$bench_pid" ]; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
    bench_pid=""
  fi
  bench_stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "vs-etcd: interrupted; stopping" >&2; exit 130' INT TERM

# A rebuild of the jars during the run would change the code under test, or break a JVM that
# reads a jar being rewritten, so the run uses copies.
mkdir -p "$work/jars/lessor"
cp "$bench_jar" "$work/jars/lessor-bench.jar"
lessor_classpath="$work/jars/lessor/lessor-cli.jar"
cp "$lessor_cli/lessor-cli.jar" "$lessor_classpath"
# The file has no final newline, so read returns 1 at its end.
IFS=: read -r -a classpath_entries < "$lessor_cli/classpath.txt" || true
for i in "${!classpath_entries[@]}"; do
  # Two dependencies may have jars of the same name, so each copy gets its position too.
  copy="$work/jars/lessor/$i-$(basename "${classpath_entries[$i]}")"
  cp "${classpath_entries[$i]}" "$copy"
  lessor_classpath+=":$copy"
done
bench_command=("$java" "${native_access[@]}" -cp "$work/jars/lessor-bench.jar" io.lessor.bench.load.Main)

# Waits until the server at $1 passes etcdctl's health check (a Range), or fails after 60 s.
await_health() {
  local url=$1 log=$2
  for _ in $(seq 1 120); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "vs-etcd: the server exited during its start; its log $log ends with:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    if ETCDCTL_API=3 etcdctl --endpoints "$url" --dial-timeout 1s --command-timeout 2s endpoint health \
      >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "vs-etcd: the server at $url did not respond within 60 s; its log is $log" >&2
  return 1
}

# Starts a fresh server of kind $1 (etcd or lessor) and sets server_pid and server_url.
start_server() {
  local kind=$1 dir
  dir=$(mktemp -d "$work/$kind.XXXXXX")
  local port peer_port
  read -r port peer_port <<<"$(bench_free_ports 2)"
  server_url="http://127.0.0.1:$port"
  case "$kind" in
    etcd)
      bench_start_etcd default "$dir/data" "$server_url" "http://127.0.0.1:$peer_port" "$dir/log"
      ;;
    lessor)
      "$java" "${native_access[@]}" -cp "$lessor_classpath" io.lessor.cli.Main serve --name default \
        --data-dir "$dir/data" --listen-client-urls "$server_url" >"$dir/log" 2>&1 </dev/null &
      server_pid=$!
      ;;
  esac
  await_health "$server_url" "$dir/log"
}

# Prints the resident set size of the server in KiB, or nothing if it cannot be read.
rss_kib() {
  sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status" 2>/dev/null || true
}

# Prints the heap the Lessor server uses after a full GC, in KiB, or nothing if jcmd fails.
heap_after_gc_kib() {
  "$jcmd" "$server_pid" GC.run >/dev/null || return 0
  # JDK 21 prints "total 262144K, used 12345K", JDK 25 "committed 28672K, used 8737K".
  "$jcmd" "$server_pid" GC.heap_info | sed -n 's/.*, used \([0-9]*\)K.*/\1/p' | head -n 1 || true
}

# Prints the memory of the running server of kind $1 as JSON: its RSS, and for Lessor the heap
# in use after a full GC.
memory_reading() {
  local kind=$1
  local rss heap
  rss=$(rss_kib)
  if [ "$kind" = lessor ]; then
    heap=$(heap_after_gc_kib)
    printf '{"rss_kib": %s, "heap_used_kib": %s}\n' "${rss:-null}" "${heap:-null}"
  else
    printf '{"rss_kib": %s}\n' "${rss:-null}"
  fi
}

mkdir -p "$results"
failures=0
load_start=$(bench_load_average 3)
started_at=$(date -u '+%Y-%m-%d %H:%M UTC')
printf 'id\tround\tserver\texit\tload average before\tload average after\n' > "$results/runs.tsv"
printf '%s\n' "${workloads[@]}" > "$results/workloads.txt"
echo "vs-etcd: ${#workloads[@]} workloads, $rounds rounds each, results in $results (load average $load_start)"

for entry in "${workloads[@]}"; do
  id=${entry%%|*}
  read -r -a flags <<< "${entry#*|}"
  mkdir -p "$results/$id"
  for round in $(seq 1 "$rounds"); do
    for kind in etcd lessor; do
      echo "vs-etcd: $id, round $round of $rounds, $kind"
      base="$results/$id/$kind-$round"
      if ! start_server "$kind"; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$round" "$kind" "server did not start" \
          "$(bench_load_average)" "" >> "$results/runs.tsv"
        bench_stop_server
        failures=$((failures + 1))
        continue
      fi
      if [ "${flags[0]}" = scale ]; then
        memory_reading "$kind" > "$base.memory-before.json"
      fi
      load_before=$(bench_load_average)
      status=0
      "${bench_command[@]}" "${flags[@]}" --endpoints "$server_url" --json "$base.json" > "$base.txt" &
      bench_pid=$!
      wait "$bench_pid" || status=$?
      bench_pid=""
      cat "$base.txt"
      if [ "${flags[0]}" = scale ]; then
        memory_reading "$kind" > "$base.memory-after.json"
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$round" "$kind" "$status" "$load_before" \
        "$(bench_load_average)" >> "$results/runs.tsv"
      bench_stop_server
      if [ "$status" -ne 0 ]; then
        failures=$((failures + 1))
        echo "vs-etcd: $id against $kind exited with status $status; the report marks the run as failed" >&2
      fi
    done
  done
done

load_end=$(bench_load_average 3)
report_flags=()
if $quick; then
  report_flags+=(--quick)
fi
if [ -n "$section" ]; then
  report_flags+=(--section "$section")
fi
python3 bench/vs_etcd_report.py \
  --results "$results" \
  --doc "$doc" \
  --date "$started_at" \
  --rounds "$rounds" \
  --jdk "$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p') ($("$java" -version 2>&1 | sed -n 2p))" \
  --etcd-version "$etcd_version" \
  --data-fs "$(df -T "$work" | awk 'NR == 2 { print $2 }')" \
  --command "$command_line" \
  --note "$note" \
  --load-start "$load_start" \
  --load-end "$load_end" \
  "${report_flags[@]}" > "$results/section.md"
echo "vs-etcd: wrote $doc (section also in $results/section.md)"
if [ "$failures" -gt 0 ]; then
  echo "vs-etcd: $failures run(s) failed; see $results/runs.tsv and the section's notes" >&2
  exit 1
fi
