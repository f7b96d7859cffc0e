#!/usr/bin/env bash
# Runs Go's context benchmarks and Lessor's JMH context suite on this machine, one after the
# other, and rewrites the "Lessor context vs Go context" section of docs/benchmarks.md with a
# table per benchmark shape. Raw outputs are kept in bench/results/context-vs-go/.
#
# Usage: bench/context-vs-go.sh [--quick] [--note TEXT] [--doc FILE]
#   --quick      fewer and shorter iterations, about 5 minutes instead of about 13 (on 2 CPUs)
#   --note TEXT  a remark printed above the tables, such as "other builds were running"
#   --doc FILE   the Markdown file to update (default: docs/benchmarks.md)
#
# Needs python3 and a JDK 21 or newer. Installs Go with apt-get when `go` is missing, and builds
# bench/target/lessor-bench.jar when it is missing, which needs lessor-context in the local
# Maven repository (./mvnw -pl context install -DskipTests).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. bench/lib.sh

quick=false
note=""
doc="docs/benchmarks.md"
command_line="bench/context-vs-go.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      quick=true
      command_line+=" --quick"
      shift
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
  go_options=(-benchtime 200ms -count 1)
  jmh_options=(-f 1 -wi 2 -w 500ms -i 1 -r 500ms)
else
  go_options=(-count 3)
  jmh_options=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
fi

bench_setup_java
bench_require_python3

if ! command -v go >/dev/null; then
  echo "context-vs-go: go not found; installing Debian's golang-go"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: go not found, and installing it needs root. Run as root: apt-get install -y golang-go" >&2
    exit 1
  fi
  apt-get update
  apt-get install -y golang-go
fi

jar=bench/target/lessor-bench.jar
bench_ensure_jar "$jar"

results=bench/results/context-vs-go
mkdir -p "$results"
load_start=$(bench_load_average)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Go writes its build cache under GOCACHE, and a temporary one leaves the user's cache alone.
# Running from the temporary directory keeps any go.mod out of the way of the standard library.
go_command="go test -run '^\$' -bench . -benchmem ${go_options[*]} context"
go_one_cpu_command="go test -run '^\$' -bench WithTimeout -benchmem ${go_options[*]} -cpu 1 context"
echo "context-vs-go: running Go's benchmarks ($(go version))"
(
  cd "$work"
  export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=""
  go test -run '^$' -bench . -benchmem "${go_options[@]}" context | tee "$repo/$results/go.txt"
  go test -run '^$' -bench WithTimeout -benchmem "${go_options[@]}" -cpu 1 context \
    | tee "$repo/$results/go-cpu1.txt"
)

jmh_command="java -jar $jar 'io.lessor.bench.context.' ${jmh_options[*]} -prof gc -rf json -rff $results/jmh.json"
echo "context-vs-go: running the JMH suite ($("$java" -version 2>&1 | head -n 1))"
"$java" -jar "$jar" 'io.lessor.bench.context.' "${jmh_options[@]}" -prof gc \
  -rf json -rff "$results/jmh.json" | tee "$results/jmh.txt"

quick_flag=()
if $quick; then
  quick_flag=(--quick)
fi
python3 bench/context_vs_go_report.py \
  --go "$results/go.txt" \
  --go-one-cpu "$results/go-cpu1.txt" \
  --jmh "$results/jmh.json" \
  --doc "$doc" \
  --date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --nproc "$(nproc)" \
  --go-version "$(go version)" \
  --command "$command_line" \
  --go-command "$go_command" \
  --go-one-cpu-command "$go_one_cpu_command" \
  --jmh-command "$jmh_command" \
  --note "$note" \
  --load-start "$load_start" \
  --load-end "$(bench_load_average)" \
  "${quick_flag[@]}" > "$results/section.md"
echo "context-vs-go: wrote $doc (section also in $results/section.md)"
