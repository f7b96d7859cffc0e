#!/usr/bin/env bash
# Measures Watch fan-out on Lessor and on a real etcd, each started as a process of its own on
# free loopback ports with a fresh data directory, and rewrites the "Watch fan-out" section of
# docs/benchmarks.md. Raw results are kept in bench/results/watch-fanout/.
#
# Two measurements per server:
#   - fan-out: events per second that 1, 100 and 10,000 watchers of one prefix receive while a
#     writer puts keys under the prefix (io.lessor.bench.watch.Main fanout), 100 watchers to a
#     Watch stream;
#   - idle watchers: server memory per idle watcher (io.lessor.bench.watch.Main idle). For Lessor
#     the retained heap after a full GC (jcmd GC.class_histogram), and the RSS; for etcd the RSS.
#
# Usage: bench/watch-fanout.sh [--quick] [--memory-only] [--note TEXT] [--doc FILE]
#                              [--bench-jar JAR] [--lessor-classpath CP]
#   --quick                 fewer puts and watchers, about 1 minute instead of about 2 (on 2 CPUs)
#   --memory-only           only the idle-watcher measurement
#   --note TEXT             a remark printed above the tables, such as "other builds were running"
#   --doc FILE              the Markdown file to update (default: docs/benchmarks.md)
#   --bench-jar JAR         the benchmark jar (default: bench/target/lessor-bench.jar, built when
#                           missing, which needs the project's modules in the local Maven repository)
#   --lessor-classpath CP   run Lessor as `java -cp CP io.lessor.cli.Main serve` instead of
#                           `bin/lessor serve`
#
# Needs python3, ss, a JDK 21 or newer, and etcd 3.4, which bin/install-etcd installs when it is
# missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. bench/lib.sh

quick=false
memory_only=false
note=""
doc="docs/benchmarks.md"
jar=bench/target/lessor-bench.jar
lessor_classpath=""
command_line="bench/watch-fanout.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      quick=true
      command_line+=" --quick"
      shift
      ;;
    --memory-only)
      memory_only=true
      command_line+=" --memory-only"
      shift
      ;;
    --note | --doc | --bench-jar | --lessor-classpath)
      [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --note) note=$2; command_line+=" --note $(bench_quote "$2")" ;;
        --doc) doc=$2; command_line+=" --doc $2" ;;
        --bench-jar) jar=$2; command_line+=" --bench-jar $2" ;;
        --lessor-classpath) lessor_classpath=$2; command_line+=" --lessor-classpath CP" ;;
      esac
      shift 2
      ;;
    -h | --help)
      bench_print_help
      exit 0
      ;;
    *)
      echo "error: unknown option $1. See --help." >&2
      exit 2
      ;;
  esac
done

if $quick; then
  fanout_runs=("1 5000" "100 5000" "10000 200")
  idle_counts=(10000)
else
  fanout_runs=("1 20000" "100 20000" "10000 1000")
  idle_counts=(10000 100000)
fi
if $memory_only; then
  fanout_runs=()
fi
watchers_per_stream=100

bench_setup_java
bench_require_python3
if ! command -v ss >/dev/null; then
  echo "error: ss not found; install the Debian package iproute2 and run again" >&2
  exit 1
fi
bench_require_etcd
bench_ensure_jar "$jar"

results=bench/results/watch-fanout
mkdir -p "$results"
rm -f "$results"/*-idle-* "$results"/section.md
if ! $memory_only; then
  rm -f "$results"/*-fanout-*
fi
work=$(mktemp -d)
server_pid=""
idle_pid=""

cleanup() {
  for pid in $idle_pid $server_pid; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until process $1 listens on 127.0.0.1:$2. Fails if it exits first, or if the port
# belongs to another process, so that no traffic goes to a server this script did not start.
await_listening() {
  local pid=$1 port=$2 log=$3 deadline=$((SECONDS + 120)) listeners
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: the server (pid $pid) exited before it listened on port $port; its log:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    # Read into a variable first: with pipefail, grep -q ending the pipe early could fail ss.
    listeners=$(ss -ltnpH "sport = :$port")
    if [[ "$listeners" == *"pid=$pid,"* ]]; then
      return 0
    fi
    if [ -n "$listeners" ]; then
      echo "error: another process listens on port $port: $listeners; run again for other ports" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "error: the server (pid $pid) did not listen on port $port within 120 s" >&2
  return 1
}

# Starts a fresh server of kind $1 (lessor or etcd); sets server_pid and endpoint.
start_server() {
  local kind=$1 data="$work/$1-data-$RANDOM" port peer log
  read -r port peer <<<"$(bench_free_ports 2)"
  log="$work/$kind-$port.log"
  if [ "$kind" = lessor ]; then
    if [ -n "$lessor_classpath" ]; then
      "$java" "${native_access[@]}" -cp "$lessor_classpath" io.lessor.cli.Main serve \
        --data-dir "$data" --listen-client-urls "http://127.0.0.1:$port" >"$log" 2>&1 &
    else
      bin/lessor serve --data-dir "$data" --listen-client-urls "http://127.0.0.1:$port" >"$log" 2>&1 &
    fi
    server_pid=$!
  else
    bench_start_etcd bench "$data" "http://127.0.0.1:$port" "http://127.0.0.1:$peer" "$log"
  fi
  await_listening "$server_pid" "$port" "$log"
  endpoint="http://127.0.0.1:$port"
}

bench() {
  "$java" -Xms1g -Xmx1g -cp "$jar" io.lessor.bench.watch.Main "$@"
}

rss_bytes() {
  awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

# Prints the live heap bytes of Java process $1 after the full GC that jcmd's histogram runs,
# and keeps the histogram's top lines in file $2.
heap_bytes() {
  local histogram="$work/histogram.txt"
  "$JAVA_HOME/bin/jcmd" "$1" GC.class_histogram >"$histogram"
  head -n 40 "$histogram" >"$2"
  awk '$1 == "Total" { print $3 }' "$histogram"
}

# Opens and closes 1000 idle watchers, so that the classes and pools that watching needs are
# in place before a baseline is taken.
warm_up_idle() {
  echo | bench idle --endpoint "$endpoint" --watchers 1000 --watchers-per-stream "$watchers_per_stream" \
    --prefix warmup/ >/dev/null
}

# Measures server $1 (lessor or etcd, pid $server_pid) before and while $2 idle watchers are open.
measure_idle() {
  local kind=$1 count=$2 base_heap=0 heap=0 base_rss rss ready load
  sleep 2
  load=$(bench_load_average)
  if [ "$kind" = lessor ]; then
    # The first histogram loads the classes of jcmd's diagnostic commands into the server, so
    # one is taken and dropped before the baseline.
    heap_bytes "$server_pid" /dev/null >/dev/null
    base_heap=$(heap_bytes "$server_pid" "$results/$kind-idle-$count-histogram-before.txt")
  fi
  base_rss=$(rss_bytes "$server_pid")

  coproc IDLE { bench idle --endpoint "$endpoint" --watchers "$count" \
    --watchers-per-stream "$watchers_per_stream" --prefix idle/; }
  idle_pid=$IDLE_PID
  if ! read -r -t 600 -u "${IDLE[0]}" ready; then
    echo "error: the idle watchers did not report ready within 600 s" >&2
    return 1
  fi
  sleep 2
  if [ "$kind" = lessor ]; then
    heap=$(heap_bytes "$server_pid" "$results/$kind-idle-$count-histogram-after.txt")
  fi
  rss=$(rss_bytes "$server_pid")
  echo >&"${IDLE[1]}"
  wait "$idle_pid" || true
  idle_pid=""

  printf '{"target":"%s","watchers":%d,"streams":%d,"heap_before":%d,"heap_after":%d,"rss_before":%d,"rss_after":%d,"load1":%s}\n' \
    "$kind" "$count" "$(echo "$ready" | cut -d ' ' -f 3)" "$base_heap" "$heap" "$base_rss" "$rss" "$load" \
    | tee "$results/$kind-idle-$count.json"
}

load_start=$(bench_load_average)
for kind in lessor etcd; do
  if [ ${#fanout_runs[@]} -gt 0 ]; then
    echo "watch-fanout: $kind, fan-out"
    start_server "$kind"
    for run in "${fanout_runs[@]}"; do
      read -r watchers puts <<<"$run"
      load=$(bench_load_average)
      result=$(bench fanout --endpoint "$endpoint" --watchers "$watchers" --puts "$puts" \
        --watchers-per-stream "$watchers_per_stream" --warmup-puts $((puts / 10)))
      echo "${result%\}},\"target\":\"$kind\",\"load1\":$load}" | tee "$results/$kind-fanout-$watchers.json"
    done
    bench_stop_server
  fi

  echo "watch-fanout: $kind, idle watchers"
  start_server "$kind"
  warm_up_idle
  for count in "${idle_counts[@]}"; do
    measure_idle "$kind" "$count"
  done
  bench_stop_server
done
load_end=$(bench_load_average)

fanout_command="java -Xms1g -Xmx1g -cp $jar io.lessor.bench.watch.Main fanout --endpoint URL --watchers W --puts P --watchers-per-stream $watchers_per_stream --warmup-puts P/10"
idle_command="java -Xms1g -Xmx1g -cp $jar io.lessor.bench.watch.Main idle --endpoint URL --watchers N --watchers-per-stream $watchers_per_stream --prefix idle/"
python3 bench/watch_fanout_report.py \
  --results "$results" \
  --doc "$doc" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --nproc "$(nproc)" \
  --java-version "$("$java" -version 2>&1 | head -n 1)" \
  --etcd-version "$(etcd --version | head -n 1)" \
  --command "$command_line" \
  --fanout-command "$fanout_command" \
  --idle-command "$idle_command" \
  --note "$note" \
  --load-start "$load_start" \
  --load-end "$load_end" > "$results/section.md"
echo "watch-fanout: wrote $doc (section also in $results/section.md)"
