#!/usr/bin/env bash
# Agent benchmark (rows for docs/BENCHMARKS.md). Run from the repository root after building the
# agent and server jars:
#   agent/bench/agent-bench.sh                       # against the real server
#   agent/bench/agent-bench.sh --null-upstream       # agent cost alone (discarding endpoint)
#   agent/bench/agent-bench.sh --lines 7000000       # ~1 GB backlog
# Other options: --rate 10000 --seconds 60 --agent-jar PATH --server-jar PATH --loghub DIR
set -euo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
exec "$JAVA_HOME/bin/java" "$(dirname "$0")/AgentBench.java" "$@"
