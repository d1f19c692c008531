#!/usr/bin/env bash
# Local Apache Cassandra 5.0 node for development, tests and the demo.
#
#   devtools/cassandra/cassandra.sh start    # idempotent; returns when CQL answers
#   devtools/cassandra/cassandra.sh stop     # clean shutdown of the node we started
#   devtools/cassandra/cassandra.sh status
#   devtools/cassandra/cassandra.sh cluster-start 3    # nodes on 127.0.0.2, .3, .4
#   devtools/cassandra/cassandra.sh cluster-stop 3
#   devtools/cassandra/cassandra.sh node-stop 3        # stop one node of the cluster
#   devtools/cassandra/cassandra.sh run -- CMD ...
#                                            # start if needed, run CMD, and stop
#                                            # the node afterwards if (and only if)
#                                            # this call started it, even on failure
#   devtools/cassandra/cassandra.sh run --own-node -- CMD ...
#                                            # the same, but refuse a node that
#                                            # answers and was not started here
#
# Cassandra is resolved from Maven Central (org.apache.cassandra:cassandra-all
# and its runtime dependencies, see pom.xml) into .lib/, and its data lives in
# .run/; both are git-ignored. Environment:
#   PAGEVIEWS_CASSANDRA_HOSTS  use your own cluster (comma-separated contact
#                              points): nothing is fetched, started or stopped.
#   CASSANDRA_HEAP             JVM heap of the local node (default 512M).
#   CASSANDRA_START_TIMEOUT    seconds to wait for CQL (default 240).
#   CASSANDRA_NATIVE_PORT      CQL port (default 9042).
#   CASSANDRA_STORAGE_PORT     inter-node port (default 7000).
#   CASSANDRA_ADDRESS          listen and CQL address (default 127.0.0.1; a
#                              cluster's nodes use 127.0.0.2, .3 ...).
#   CASSANDRA_SEEDS            seed list (default: this node).
#   CASSANDRA_LIB_DIR, CASSANDRA_RUN_DIR
#                              where the jars and the node's data live
#                              (default .lib/ and .run/ beside this script).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="${CASSANDRA_LIB_DIR:-$here/.lib}"
run="${CASSANDRA_RUN_DIR:-$here/.run}"
pidfile="$run/cassandra.pid"
address="${CASSANDRA_ADDRESS:-127.0.0.1}"
native_port="${CASSANDRA_NATIVE_PORT:-9042}"
storage_port="${CASSANDRA_STORAGE_PORT:-7000}"
seeds="${CASSANDRA_SEEDS:-$address:$storage_port}"
heap="${CASSANDRA_HEAP:-512M}"
timeout="${CASSANDRA_START_TIMEOUT:-240}"
python="${PYTHON:-python3}"
[[ "$python" == */* && "$python" != /* ]] && python="$PWD/$python"  # a relative PYTHON (make passes one): from here

say() { echo "cassandra: $*"; }
die() { echo "cassandra: $*" >&2; exit 1; }

external() {
    if [[ -n "${PAGEVIEWS_CASSANDRA_HOSTS:-}" ]]; then
        say "PAGEVIEWS_CASSANDRA_HOSTS=$PAGEVIEWS_CASSANDRA_HOSTS is set: using that cluster, nothing to $1."
        return 0
    fi
    return 1
}

answers() { "$python" "$here/cql_ping.py" "$address" "$native_port" "$@"; }
# Whether PID is a live process: not gone, and not a zombie that this shell has yet to reap.
running() {
    local state=""
    [[ -r "/proc/$1/stat" ]] || return 1
    state="$(sed -e 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != "Z" ]]
}

running_pid() {
    [[ -f "$pidfile" ]] || return 1
    local pid
    pid="$(cat "$pidfile")"
    running "$pid" || return 1
    echo "$pid"
}

fetch() {
    if [[ -f "$lib/.complete" && "$lib/.complete" -nt "$here/pom.xml" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is required to fetch Apache Cassandra: install it (e.g. apt-get install maven) or set PAGEVIEWS_CASSANDRA_HOSTS to use your own cluster."
    say "resolving cassandra-all and its dependencies with Maven into $lib ..."
    rm -rf "$lib"
    mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$lib" >"$here/.mvn.log" 2>&1 \
        || { tail -n 20 "$here/.mvn.log" >&2; die "Maven could not resolve Cassandra (log: $here/.mvn.log)."; }
    touch "$lib/.complete"
}

jvm_options() {
    grep -v -E '^\s*(#|$)' "$here/jvm17-server.options"
}

start() {
    external start && return 0
    if answers; then
        say "a node already answers CQL on $address:$native_port."
        return 0
    fi
    command -v java >/dev/null || die "Java 17 is required to run Cassandra: install OpenJDK 17 (e.g. apt-get install openjdk-17-jre-headless) or set PAGEVIEWS_CASSANDRA_HOSTS."
    local java_major
    java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    [[ "$java_major" == "17" ]] || die "Cassandra 5.0 runs here on Java 17, but 'java' is version ${java_major:-unknown}: put a JDK 17 first on PATH."
    fetch
    mkdir -p "$run"/{data,commitlog,saved_caches,hints,cdc_raw}
    sed -e "s|@RUN_DIR@|$run|g" -e "s|@ADDRESS@|$address|g" -e "s|@NATIVE_PORT@|$native_port|g" \
        -e "s|@STORAGE_PORT@|$storage_port|g" -e "s|@SEEDS@|$seeds|g" \
        "$here/cassandra.yaml.in" >"$run/cassandra.yaml"
    local jamm
    jamm="$(ls "$lib"/jamm-*.jar | head -n 1)"
    local -a opts
    # One option per line; "--add-exports X" lines hold two words.
    read -r -d '' -a opts < <(jvm_options) || true
    say "starting Apache Cassandra on $address:$native_port (heap $heap, data in $run) ..."
    local started=$SECONDS
    # setsid: the node survives the shell that started it and gets its own process group.
    setsid java \
        -Xms"$heap" -Xmx"$heap" \
        "${opts[@]}" \
        -XX:HeapDumpPath="$run" \
        -javaagent:"$jamm" \
        -Dcassandra-foreground=yes \
        -Dcassandra.config="file://$run/cassandra.yaml" \
        -Dcassandra.storagedir="$run" \
        -Dcassandra.logdir="$run" \
        -Dlogback.configurationFile="$here/logback.xml" \
        -Dcassandra.skip_wait_for_gossip_to_settle=0 \
        -Dcassandra.superuser_setup_delay_ms=0 \
        -Dcassandra.ring_delay_ms=1000 \
        -cp "$lib/*" \
        org.apache.cassandra.service.CassandraDaemon \
        </dev/null >"$run/console.log" 2>&1 &
    echo $! >"$pidfile"
    local pid
    pid="$(cat "$pidfile")"
    if answers --wait "$timeout" --pid "$pid"; then
        say "CQL answers on $address:$native_port after $((SECONDS - started)) s (pid $pid)."
    else
        tail -n 30 "$run/console.log" >&2 || true
        local why="did not answer CQL within ${timeout} s"
        running "$pid" || why="exited after $((SECONDS - started)) s, before answering CQL"
        stop >/dev/null 2>&1 || true
        die "the node $why; logs: $run/system.log, $run/console.log"
    fi
}

stop() {
    external stop && return 0
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$pidfile"
        say "no node started by this project is running."
        return 0
    fi
    say "stopping the node (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do
        running "$pid" || { rm -f "$pidfile"; say "stopped."; return 0; }
        sleep 0.5
    done
    say "the node did not stop within 60 s: killing it."
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

status() {
    external "check" && return 0
    if answers; then
        say "up on $address:$native_port${pid:+ (pid $pid)}"
    else
        say "down"
        return 1
    fi
}

run_with() {
    local own_node=""
    [[ "${1:-}" == "--own-node" ]] && { own_node=1; shift; }
    [[ "${1:-}" == "--" ]] && shift
    [[ $# -gt 0 ]] || die "usage: $0 run -- CMD [ARGS...]"
    if [[ -z "${PAGEVIEWS_CASSANDRA_HOSTS:-}" ]] && ! answers; then
        start
        trap 'stop' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    else
        if [[ -n "$own_node" && -z "${PAGEVIEWS_CASSANDRA_HOSTS:-}" ]] && ! running_pid >/dev/null; then
            die "a Cassandra node that this checkout did not start already answers on $address:$native_port" \
                "(another project's, or a test run's): not using it; stop it, or allow it (make demo DEMO_REUSE_CASSANDRA=1)"
        fi
        external start || say "using the node that already answers on $address:$native_port."
    fi
    "$@"
}

# A local cluster of NODES nodes on 127.0.0.2, .3, .4 ... (same ports, one
# address each; 127.0.0.1 stays the single development node's), data in
# .run-cluster/nodeN.
cluster_env() {
    local n="$1"
    echo "CASSANDRA_ADDRESS=127.0.0.$((n + 1)) CASSANDRA_RUN_DIR=$here/.run-cluster/node$n CASSANDRA_SEEDS=127.0.0.2:$storage_port"
}

cluster() {
    local action="$1" nodes="${2:-3}"
    [[ "$nodes" =~ ^[1-9]$ ]] || die "NODES must be 1 to 9, not '$nodes'"
    external "$action a cluster" && return 0
    local n
    if [[ "$action" == start ]]; then
        for n in $(seq 1 "$nodes"); do  # one at a time: each joins the ring before the next
            env $(cluster_env "$n") CASSANDRA_HEAP="${CASSANDRA_HEAP:-384M}" "$0" start
        done
    else
        for n in $(seq "$nodes" -1 1); do
            env $(cluster_env "$n") "$0" "$action" || true
        done
    fi
}

case "${1:-}" in
    start) start ;;
    cluster-start) cluster start "${2:-3}" ;;
    cluster-stop) cluster stop "${2:-3}" ;;
    cluster-run)
        nodes="${2:?usage: $0 cluster-run N -- CMD}"; shift 2; [[ "${1:-}" == "--" ]] && shift
        unset PAGEVIEWS_CASSANDRA_HOSTS  # its own nodes, whatever cluster the rest of the suite uses
        cluster stop "$nodes" >/dev/null 2>&1 || true
        rm -rf "$here/.run-cluster"  # a fresh, throwaway cluster every run
        trap 'cluster stop "$nodes"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        cluster start "$nodes"
        "$@"
        ;;
    node-stop) [[ -n "${2:-}" ]] || die "usage: $0 node-stop N"; env $(cluster_env "$2") "$0" stop ;;
    stop) stop ;;
    status) pid="$(running_pid || true)"; status ;;
    fetch) fetch ;;
    run) shift; run_with "$@" ;;
    *) echo "usage: $0 start|stop|status|fetch|run [--own-node] -- CMD|cluster-start [N]|cluster-stop [N]|node-stop N" >&2; exit 2 ;;
esac
