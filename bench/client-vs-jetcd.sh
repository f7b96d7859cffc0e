#!/usr/bin/env bash
# Measures what Lessor's client and jetcd cost while they keep leases alive: the threads each
# adds, its CPU per second, the renewals it reads, how long close() takes and what it leaves
# running. Each measurement runs io.lessor.bench.keepalive.Main in a fresh JVM against a fresh
# server, the two clients alternating, and the "Lessor client vs jetcd" section of
# docs/benchmarks.md is rewritten with the medians. Raw outputs (one JSON line per run, and
# the end of each run's standard error) are kept in bench/results/client-vs-jetcd/.
#
# Usage: bench/client-vs-jetcd.sh [--quick] [--server etcd|lessor] [--rounds N] [--note TEXT]
#                                 [--doc FILE] [--jar FILE]
#   --quick            1 round of 1, 1,000 and 10,000 leases with short windows, about
#                      4 minutes instead of about 25 (on 2 CPUs)
#   --server NAME      the server the clients talk to: etcd (default, /usr/bin/etcd, installed
#                      with bin/install-etcd when missing) or lessor (bin/lessor serve)
#   --rounds N         how often each measurement runs; the table shows medians (default 2,
#                      or 1 with --quick)
#   --note TEXT        a remark printed above the table, such as "other builds were running"
#   --doc FILE         the Markdown file to update (default: docs/benchmarks.md)
#   --jar FILE         the bench uber-jar (default: bench/target/lessor-bench.jar, built when
#                      missing, which needs the other modules in the local Maven repository)
#
# Needs python3, a JDK 21 or newer, and etcdctl, which checks that the server responds.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. bench/lib.sh

quick=false
server=etcd
rounds=""
note=""
doc="docs/benchmarks.md"
jar=bench/target/lessor-bench.jar
command_line="bench/client-vs-jetcd.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      quick=true
      command_line+=" --quick"
      shift
      ;;
    --server)
      [ $# -ge 2 ] || { echo "error: --server needs etcd or lessor" >&2; exit 2; }
      case "$2" in
        etcd | lessor) server=$2 ;;
        *) echo "error: invalid --server $2: expected etcd or lessor" >&2; exit 2 ;;
      esac
      command_line+=" --server $2"
      shift 2
      ;;
    --rounds)
      [ $# -ge 2 ] || { echo "error: --rounds needs a number" >&2; exit 2; }
      [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "error: invalid --rounds $2: expected a positive whole number" >&2; exit 2; }
      rounds=$2
      command_line+=" --rounds $2"
      shift 2
      ;;
    --note)
      [ $# -ge 2 ] || { echo "error: --note needs a text" >&2; exit 2; }
      note=$2
      command_line+=" --note $(bench_quote "$2")"
      shift 2
      ;;
    --doc)
      [ $# -ge 2 ] || { echo "error: --doc needs a file name" >&2; exit 2; }
      doc=$2
      command_line+=" --doc $2"
      shift 2
      ;;
    --jar)
      [ $# -ge 2 ] || { echo "error: --jar needs a file name" >&2; exit 2; }
      jar=$2
      command_line+=" --jar $2"
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

# TTL 30 s: each client renews a lease every 10 s, so N leases cost the server N/10 renewals
# per second. The ramp spreads the first renewals over one renewal period, so the window
# measures a steady rate rather than one burst every 10 s.
ttl=30
if $quick; then
  lease_counts=(1 1000 10000)
  settle=5
  window=10
  rounds=${rounds:-1}
else
  lease_counts=(1 1000 100000)
  settle=20
  window=20
  rounds=${rounds:-2}
fi
jvm_options=(-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC)

bench_setup_java
bench_require_python3
# etcdctl checks that the server responds before a measurement starts, whichever server runs.
bench_require_etcd
bench_ensure_jar "$jar"

results=bench/results/client-vs-jetcd
mkdir -p "$results"
rm -f "$results"/runs.jsonl "$results"/*.log
load_start=$(bench_load_average)
work=$(mktemp -d)
server_pid=""
trap 'bench_stop_server; rm -rf "$work"' EXIT

# Starts a fresh server with an empty data directory, so that no lease of an earlier
# measurement expires or is revoked during this one. Sets server_pid and endpoint.
# Argument: the log file of the server, in the temporary directory; a server that fails to
# start has its log copied to the results.
start_server() {
  local log=$1 client_port peer_port data
  read -r client_port peer_port <<<"$(bench_free_ports 2)"
  data=$(mktemp -d "$work/data.XXXXXX")
  endpoint="http://127.0.0.1:$client_port"

  if [ "$server" = etcd ]; then
    bench_start_etcd keepalive-bench "$data" "$endpoint" "http://127.0.0.1:$peer_port" "$log"
  else
    bin/lessor serve --listen-client-urls "$endpoint" --advertise-client-urls "$endpoint" \
      --data-dir "$data" >"$log" 2>&1 &
    server_pid=$!
  fi

  local attempt
  for attempt in $(seq 1 300); do
    if etcdctl --endpoints "127.0.0.1:$client_port" --command-timeout 1s endpoint health >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      cp "$log" "$results/"
      echo "error: the $server server exited before it responded; its log is $results/$(basename "$log")" >&2
      exit 1
    fi
    sleep 0.2
  done
  cp "$log" "$results/"
  echo "error: the $server server did not respond within 60 s; its log is $results/$(basename "$log")" >&2
  exit 1
}

measure_command="java ${jvm_options[*]} -cp $jar io.lessor.bench.keepalive.Main --client CLIENT --endpoint URL --leases N --ttl $ttl --settle $settle --window $window --server-pid PID"
echo "client-vs-jetcd: $rounds round(s) of ${lease_counts[*]} leases against $server ($("$java" -version 2>&1 | sed -n 1p))"
for round in $(seq 1 "$rounds"); do
  for leases in "${lease_counts[@]}"; do
    for client in lessor jetcd; do
      name="round$round-$leases-$client"
      start_server "$work/$name.server.log"
      load=$(bench_load_average)
      echo "client-vs-jetcd: round $round, $leases leases, $client (load average $load)"
      if ! "$java" "${jvm_options[@]}" -cp "$jar" io.lessor.bench.keepalive.Main \
          --client "$client" --endpoint "$endpoint" --leases "$leases" --ttl "$ttl" \
          --settle "$settle" --window "$window" --server-pid "$server_pid" \
          >"$work/result.json" 2>"$work/$name.log"; then
        cp "$work/$name.log" "$results/"
        echo "error: the measurement failed; its output is in $results/$name.log" >&2
        exit 1
      fi
      bench_stop_server
      # A client that gives up on many leases logs a warning per lease, so only the count and
      # the last lines of its log are kept.
      {
        echo "# $(wc -l <"$work/$name.log") lines of standard error; the last 50:"
        tail -n 50 "$work/$name.log"
      } >"$results/$name.log"
      # One JSON object per line, with the round and the load average at the start added.
      python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r["round"] = int(sys.argv[2]); r["loadAverage"] = float(sys.argv[3]); print(json.dumps(r))' \
        "$work/result.json" "$round" "$load" | tee -a "$results/runs.jsonl"
    done
  done
done

if [ "$server" = etcd ]; then
  server_version=$(etcd --version | sed -n 1p)
else
  server_version="Lessor $(git rev-parse --short HEAD) (bin/lessor serve)"
fi
quick_flag=()
if $quick; then
  quick_flag=(--quick)
fi
python3 bench/client_vs_jetcd_report.py \
  --runs "$results/runs.jsonl" \
  --doc "$doc" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --nproc "$(nproc)" \
  --jdk "$("$java" -version 2>&1 | sed -n 2p)" \
  --server-version "$server_version" \
  --jvm-options "${jvm_options[*]}" \
  --command "$command_line" \
  --measure-command "$measure_command" \
  --note "$note" \
  --load-start "$load_start" \
  --load-end "$(bench_load_average)" \
  "${quick_flag[@]}" >"$results/section.md"
echo "client-vs-jetcd: wrote $doc (section also in $results/section.md)"
