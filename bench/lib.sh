# Sourced by the benchmark scripts in bench/ after they cd to the repository root: JDK, tool and
# jar checks, free ports, and starting and stopping the server under test. Functions that start
# or stop a server read and set the caller's global server_pid.

# Prints the comment block at the top of the running script without its comment marks. The
# script is found under $repo/bench, because $0 may be relative to the directory it was run from.
bench_print_help() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$repo/bench/${0##*/}"
}

# Prints $1 in single quotes for a shell, so that a recorded command can be pasted back.
bench_quote() {
  printf "'%s'" "${1//"'"/"'\\''"}"
}

# Sets JAVA_HOME to a JDK 21 or newer, java to its launcher, and native_access to the flag that
# JDK 22 and newer need for RocksDB (empty on JDK 21).
bench_setup_java() {
  . bin/jdk.sh
  lessor_pick_jdk
  java="$JAVA_HOME/bin/java"
  native_access=()
  if [ "$(lessor_java_major "$JAVA_HOME")" -ge 22 ]; then
    native_access=(--enable-native-access=ALL-UNNAMED)
  fi
}

# Fails unless python3 is on the PATH.
bench_require_python3() {
  if ! command -v python3 >/dev/null; then
    echo "error: python3 not found, and the report needs it. Install the Debian package python3." >&2
    exit 1
  fi
}

# Installs etcd and etcdctl with bin/install-etcd unless both are on the PATH.
bench_require_etcd() {
  if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
    echo "bench: etcd or etcdctl not found; installing them with bin/install-etcd"
    bin/install-etcd
  fi
}

# Builds bench/target/lessor-bench.jar when jar $1 is that file and it is missing. Fails when
# any other jar $1 is missing, because the build does not write it.
bench_ensure_jar() {
  local jar=$1
  [ -f "$jar" ] && return 0
  if [ "$jar" != bench/target/lessor-bench.jar ]; then
    echo "error: jar $jar not found; build it, or leave out the option to use bench/target/lessor-bench.jar" >&2
    exit 1
  fi
  echo "bench: building $jar"
  ./mvnw -q -B -pl bench package -DskipTests
}

# Prints the 1-minute load average, or the 1-, 5- and 15-minute ones with the argument 3.
bench_load_average() {
  cut -d ' ' -f "1-${1:-1}" /proc/loadavg
}

# Prints $1 distinct free ports of 127.0.0.1. Every socket is held until all are bound, so no
# port is printed twice.
bench_free_ports() {
  python3 -c '
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))' "$1"
}

# Starts etcd in the background as a single-member cluster and sets server_pid.
# Arguments: NAME DATA_DIR CLIENT_URL PEER_URL LOG
bench_start_etcd() {
  local name=$1 data=$2 client_url=$3 peer_url=$4 log=$5
  etcd --name "$name" --data-dir "$data" \
    --listen-client-urls "$client_url" --advertise-client-urls "$client_url" \
    --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
    --initial-cluster "$name=$peer_url" --initial-cluster-state new \
    >"$log" 2>&1 </dev/null &
  server_pid=$!
}

# Stops the server in server_pid, if any: SIGTERM, then SIGKILL after 20 s.
bench_stop_server() {
  if [ -n "${server_pid:-}" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    local attempt
    for attempt in $(seq 1 200); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
