#!/usr/bin/env bash
# End-to-end benchmark: builds, starts the server on a fresh data dir, runs the load generator
# against it, stops the server (SIGTERM), runs the bare-Lucene reference on the same records
# (logs mode only), and prints both results as Markdown table rows. In metrics mode the reference
# is Prometheus itself (BENCH_PROMETHEUS, default prometheus from PATH) on a fresh TSDB dir, fed
# the same series by remote_write; bytes per sample are its data dir after SIGTERM (WAL + head
# chunks: a 2.x head is not compacted into a block before it spans 3 h).
#
#   bench/run.sh --records 1000000          # any LoadGenerator option passes through
#   bench/run.sh --signal traces --spans 2000000   # traces mode: no Lucene reference, bytes per span
#   bench/run.sh --signal metrics           # 1,000 series x 3,600 s to Lookout and to Prometheus
#   bench/run.sh --signal metrics --warmup-samples 3600   # the same after a warm-up (steady state)
#
# Metrics mode reports the server's CPU from /proc/<pid>/stat from the first request until the
# server is idle again, and logs its split per thread group from /proc/<pid>/task/*/stat (JIT
# compiler threads "C1/C2 CompilerThre", GC threads, then vert.x workers, event loops, indexers,
# WAL...); the result row has samples per server CPU-s with and without the JIT compiler threads
# (Prometheus, in Go, has none: both cells are equal). A fresh JVM spends a large share of a short
# run compiling; --warmup-samples N first sends N samples per series of as many OTHER series
# (instances warm-NNN:9100, same families, shape, protocol, batch and connections), timestamped to
# end 10 min before the oldest sample the measured run sends or its queries read, waits for every
# acknowledgement and for the server's CPU to settle, then measures as usual: the row counts only
# the measured run, the generator log states the warm-up and its CPU; only the bytes-per-sample cell
# divides the data dir by all samples stored, warm-up included (the dir holds both). Prometheus gets the same
# warm-up (its arguments are the same); the warm-up is older than the measured samples, so its
# head accepts both, and N <= 6300 keeps its head under the 3 h after which it cuts a block.
#
# Environment: JAVA_HOME (a JDK 21+, else /usr/lib/jvm/temurin-25-jdk-amd64),
# LOOKOUT_OTLP_HTTP_PORT (4318), LOOKOUT_HTTP_PORT (8080), SERVER_JAVA_OPTS, BENCH_JAVA_OPTS,
# BENCH_SKIP_BUILD=1 (use the jars as built), BENCH_KEEP_DATA=1 (keep the server's data dir),
# BENCH_SKIP_REFERENCE=1 (no Lucene / Prometheus reference run), BENCH_SERVER_CMD (a command to run
# instead of the server jar, e.g. another build; it gets the same LOOKOUT_* environment),
# BENCH_PROMETHEUS (prometheus), BENCH_PROM_PORT (9090).
# Every other variable of the environment reaches the server too, so a run with token auth is
#   LOOKOUT_AUTH=token LOOKOUT_TOKENS='tokens: [{tenant: bench, roles: [ingest, viewer], sha256: "<hex>"}]' \
#     bench/run.sh --records 1000000 --header "Authorization: Bearer $TOKEN"
# (--header, repeatable, goes on every request the load generator sends; values are not echoed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n "s/^ *java.specification.version = //p" | cut -d. -f1; }
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" || "$(java_major "$JAVA_HOME")" -lt 21 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="$JAVA_HOME/bin/java"
OTLP_PORT="${LOOKOUT_OTLP_HTTP_PORT:-4318}"
HTTP_PORT="${LOOKOUT_HTTP_PORT:-8080}"
PROM_PORT="${BENCH_PROM_PORT:-9090}"
PROMETHEUS="${BENCH_PROMETHEUS:-prometheus}"
LUCENE_OPTS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)

SIGNAL=logs
prev=""
for arg in "$@"; do
  [[ "$prev" == "--signal" ]] && SIGNAL="$arg"
  prev="$arg"
done

DATASETS=""
for d in "$ROOT/testdata/loghub" "$ROOT/../shared/datasets/loghub"; do
  if [[ -d "$d" ]]; then DATASETS="$(cd "$d" && pwd)"; break; fi
done
if [[ -z "$DATASETS" && "$SIGNAL" == logs ]]; then
  echo "run.sh: loghub samples not found (looked in testdata/loghub and ../shared/datasets/loghub); pass --datasets DIR" >&2
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building" >&2
  ./mvnw -B -q -DskipTests package
fi
SERVER_JAR="$ROOT/server/target/lookout-server.jar"
BENCH_JAR="$ROOT/bench/target/lookout-bench.jar"
JARS=("$BENCH_JAR")
[[ -z "${BENCH_SERVER_CMD:-}" ]] && JARS+=("$SERVER_JAR")
for j in "${JARS[@]}"; do
  [[ -f "$j" ]] || { echo "run.sh: $j missing after the build" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/lookout-bench.XXXXXX)"
DATA_DIR="$WORK/data"
mkdir -p "$DATA_DIR"
SERVER_PID=""

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 240); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "run.sh: server did not stop within 120 s of SIGTERM; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [[ "${BENCH_KEEP_DATA:-0}" == 1 ]]; then
    echo "run.sh: kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

echo "== starting the server (data in $DATA_DIR, log in $WORK/server.log)" >&2
export LOOKOUT_DATA_DIR="$DATA_DIR" LOOKOUT_OTLP_HTTP_PORT="$OTLP_PORT" LOOKOUT_HTTP_PORT="$HTTP_PORT"
if [[ -n "${BENCH_SERVER_CMD:-}" ]]; then
  # exec so that SERVER_PID is the server itself and gets the SIGTERM
  bash -c "exec $BENCH_SERVER_CMD" >"$WORK/server.log" 2>&1 &
else
  # shellcheck disable=SC2086
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$SERVER_JAR" >"$WORK/server.log" 2>&1 &
fi
SERVER_PID=$!

# await_ready URL LOG: polls URL until it answers 2xx while SERVER_PID lives (120 s at most)
await_ready() {
  for _ in $(seq 1 240); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "run.sh: the server exited during startup; its log:" >&2
      tail -n 50 "$2" >&2
      exit 1
    fi
    if curl -fs -o /dev/null --max-time 2 "$1"; then return 0; fi
    sleep 0.5
  done
  echo "run.sh: $1 not ready within 120 s; server log:" >&2
  tail -n 50 "$2" >&2
  exit 1
}
await_ready "http://127.0.0.1:$HTTP_PORT/readyz" "$WORK/server.log"

COMMON=()
[[ -n "$DATASETS" ]] && COMMON+=(--datasets "$DATASETS")
[[ "$SIGNAL" == logs ]] && COMMON+=(--server-pid "$SERVER_PID")
[[ "$SIGNAL" == metrics ]] && COMMON+=(--prom "http://127.0.0.1:$HTTP_PORT/prometheus" --server-pid "$SERVER_PID" --name lookout)

# fill_disk ROW_FILE DISK SAMPLES: bytes per sample into the row's pending disk cell
fill_disk() {
  local per
  per=$(awk -v d="$2" -v s="$3" 'BEGIN { printf "%.2f", d / s }')
  sed -i "s/| (after stop) |/| $per |/" "$1"
  echo "$per"
}

echo "== load generator" >&2
# shellcheck disable=SC2086
"$JAVA" ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" \
  --otlp "http://127.0.0.1:$OTLP_PORT" --api "http://127.0.0.1:$HTTP_PORT" --data-dir "$DATA_DIR" \
  "${COMMON[@]}" "$@" 2> >(tee "$WORK/generator.log" >&2) | tee "$WORK/generator.md"

echo "== stopping the server" >&2
stop_server
DISK_AFTER=$(du -sb "$DATA_DIR" | cut -f1)
BODY_BYTES=$(sed -n 's/^body_bytes=//p' "$WORK/generator.log" | tail -n 1)
SPANS=$(sed -n 's/^spans=//p' "$WORK/generator.log" | tail -n 1)
SAMPLES=$(sed -n 's/^stored_samples=//p' "$WORK/generator.log" | tail -n 1)
if [[ "$SIGNAL" == metrics && -n "$SAMPLES" ]]; then
  PER_SAMPLE=$(fill_disk "$WORK/generator.md" "$DISK_AFTER" "$SAMPLES")
  echo "lookout data dir after shutdown: $DISK_AFTER bytes = $PER_SAMPLE bytes per sample ($SAMPLES samples stored, any warm-up included)" | tee "$WORK/disk.txt" >&2
elif [[ "$SIGNAL" == traces && -n "$SPANS" ]]; then
  PER_SPAN=$(awk -v d="$DISK_AFTER" -v s="$SPANS" 'BEGIN { printf "%.1f", d / s }')
  echo "server data dir after shutdown: $DISK_AFTER bytes = $PER_SPAN bytes per span ($SPANS spans)" | tee "$WORK/disk.txt" >&2
elif [[ -n "$BODY_BYTES" ]]; then
  RATIO=$(awk -v d="$DISK_AFTER" -v b="$BODY_BYTES" 'BEGIN { printf "%.2f", d / b }')
  echo "server data dir after shutdown: $DISK_AFTER bytes = $RATIO bytes per body byte" | tee "$WORK/disk.txt" >&2
else
  echo "server data dir after shutdown: $DISK_AFTER bytes" | tee "$WORK/disk.txt" >&2
fi

if [[ "${BENCH_SKIP_REFERENCE:-0}" != 1 && "$SIGNAL" == logs ]]; then
  echo "== bare Lucene reference" >&2
  # shellcheck disable=SC2086
  "$JAVA" "${LUCENE_OPTS[@]}" ${BENCH_JAVA_OPTS:-} -cp "$BENCH_JAR" io.lookout.bench.LuceneReference \
    "${COMMON[@]}" "$@" | tee "$WORK/reference.md"
fi

# Prometheus 2.42 has no OTLP receiver: the OTLP metrics mode runs without the reference.
PROTOCOL=remote_write
prev=""
for a in "$@"; do
  [[ "$prev" == --protocol ]] && PROTOCOL="$a"
  prev="$a"
done
if [[ "$SIGNAL" == metrics && "$PROTOCOL" == otlp && "${BENCH_SKIP_REFERENCE:-0}" != 1 ]]; then
  echo "== no Prometheus reference for --protocol otlp (Prometheus 2.42 takes no OTLP)" >&2
fi
if [[ "${BENCH_SKIP_REFERENCE:-0}" != 1 && "$SIGNAL" == metrics && "$PROTOCOL" != otlp ]]; then
  PROM_DIR="$WORK/prometheus"
  mkdir -p "$PROM_DIR"
  printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$WORK/prometheus.yml"
  echo "== starting Prometheus ($("$PROMETHEUS" --version 2>&1 | head -n 1); data in $PROM_DIR, log in $WORK/prometheus.log)" >&2
  "$PROMETHEUS" --config.file="$WORK/prometheus.yml" --web.enable-remote-write-receiver \
    --storage.tsdb.path="$PROM_DIR" --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
  SERVER_PID=$!
  await_ready "http://127.0.0.1:$PROM_PORT/-/ready" "$WORK/prometheus.log"
  echo "== load generator against Prometheus" >&2
  # shellcheck disable=SC2086
  "$JAVA" ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" "$@" --prom "http://127.0.0.1:$PROM_PORT" \
    --server-pid "$SERVER_PID" --name "prometheus 2.42" \
    2> >(tee "$WORK/prometheus-generator.log" >&2) | tee "$WORK/reference.md"
  echo "== stopping Prometheus" >&2
  stop_server
  PROM_DISK=$(du -sb "$PROM_DIR" | cut -f1)
  PROM_SAMPLES=$(sed -n 's/^stored_samples=//p' "$WORK/prometheus-generator.log" | tail -n 1)
  PROM_PER=$(fill_disk "$WORK/reference.md" "$PROM_DISK" "$PROM_SAMPLES")
  echo "prometheus data dir after shutdown (WAL + head chunks, no block yet): $PROM_DISK bytes = $PROM_PER bytes per sample ($PROM_SAMPLES samples stored, any warm-up included)" | tee -a "$WORK/disk.txt" >&2
fi

SHOWN=()
prev=""
for arg in "$@"; do
  if [[ "$prev" == "--header" ]]; then SHOWN+=("${arg%%:*}:***"); else SHOWN+=("$arg"); fi
  prev="$arg"
done
echo
echo "== results (${SHOWN[*]})"
head -n 2 "$WORK/generator.md"
tail -n 1 "$WORK/generator.md"
[[ -f "$WORK/reference.md" ]] && tail -n 1 "$WORK/reference.md"
cat "$WORK/disk.txt"
