#!/usr/bin/env bash
# Agent benchmark (rows for docs/BENCHMARKS.md). Run from the repository root after building the
# agent and server jars:
#   agent/bench/agent-bench.sh                       # against the real server
#   agent/bench/agent-bench.sh --null-upstream       # agent cost alone (discarding endpoint)
#   agent/bench/agent-bench.sh --lines 7000000       # ~1 GB backlog
# Other options: --skip-backlog --rate 10000 --seconds 60 --agent-jar PATH --server-jar PATH --loghub DIR
#   --launcher PATH (default agent/bin/lookout-agent, which carries the JVM flags)
# AGENT_JVM_OPTS="-Xmx48m ..." runs `java $AGENT_JVM_OPTS -jar` instead of the launcher (add
# -XX:NativeMemoryTracking=summary to get a VM.native_memory summary of the steady phase).
set -euo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
exec "$JAVA_HOME/bin/java" "$(dirname "$0")/AgentBench.java" "$@"
