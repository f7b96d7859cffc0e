# Sourced by the scripts in bin/: sets JAVA_HOME to the newest JDK (21 or later) on this machine
# unless JAVA_HOME already names one. The build targets Java 21 (--release 21) with any newer JDK.

lessor_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

lessor_pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    local major
    major=$(lessor_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ]; then
      return 0
    fi
  fi
  local best="" best_major=0 dir major
  for dir in /usr/lib/jvm/*/ "${HOME:-/root}"/.sdkman/candidates/java/*/; do
    dir=${dir%/}
    [ -x "$dir/bin/javac" ] || continue
    major=$(lessor_java_major "$dir")
    if [ "${major:-0}" -gt "$best_major" ]; then
      best=$dir
      best_major=$major
    fi
  done
  if [ "$best_major" -lt 21 ]; then
    echo "error: no JDK 21 or newer found under /usr/lib/jvm; install a JDK 21 or newer (for example Eclipse Temurin) under /usr/lib/jvm or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME=$best
}
