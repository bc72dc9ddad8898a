#!/usr/bin/env bash
# Runs the examples in other languages (examples/python, examples/java) against a real Kanary
# pipeline: a fresh topic prefix on the Kafka broker and schema registry of KAFKA_BROKERS and
# SCHEMA_REGISTRY_URL (or the local stack, started with `pnpm infra:up` when it is not running,
# and stopped again at the end), its schemas registered, and router, model worker, evaluator and
# decision service as background processes. The model worker runs two `sim` variants: sim-good
# (90 % accurate) and sim-bad (40 %). Each example starts a rollout of its own model with
# sim-good as stable and sim-bad as canary, and must see it ROLLED_BACK.
#
# Usage: bash examples/run.sh [python] [java]   (default: both)
# Exit code 0 when every example passed, 1 otherwise. Logs: .kanary/examples/<run>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

which_examples=("$@")
[ ${#which_examples[@]} -eq 0 ] && which_examples=(python java)

run_id="$(date -u +%Y%m%d%H%M%S)-$$"
run_dir="$root/.kanary/examples/$run_id"
mkdir -p "$run_dir"
prefix="examples-$run_id"
venv="$root/.kanary/examples/venv"
started_infra=0
pids=()
topics_created=0
t0=$(date +%s)
say() { echo "[examples $(($(date +%s) - t0))s] $*"; }

cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$topics_created" = 1 ] && [ -x "$venv/bin/python" ]; then
    "$venv/bin/python" - "$KAFKA_BROKERS" "$prefix" <<'PY' || true
import sys
from confluent_kafka.admin import AdminClient
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
topics = [t for t in admin.list_topics(timeout=10).topics if t.startswith(sys.argv[2] + ".")]
for f in admin.delete_topics(topics, operation_timeout=10).values():
    try:
        f.result()
    except Exception:
        pass
PY
  fi
  if [ "$started_infra" = 1 ]; then
    say "stopping the local Kafka and schema registry"
    pnpm -s infra:down || true
  fi
  say "done (exit $code)"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- broker and registry
if [ -z "${KAFKA_BROKERS:-}" ] || [ -z "${SCHEMA_REGISTRY_URL:-}" ]; then
  if env_lines="$(pnpm -s infra:status 2>/dev/null)"; then
    say "using the running local stack"
  else
    say "starting the local Kafka and schema registry"
    started_infra=1
    env_lines="$(pnpm -s infra:up)"
  fi
  eval "export $(echo "$env_lines" | grep -E '^(KAFKA_BROKERS|SCHEMA_REGISTRY_URL)=' | tr '\n' ' ')"
fi
say "Kafka $KAFKA_BROKERS, registry $SCHEMA_REGISTRY_URL, topic prefix $prefix"

# --- Python and Java builds, while the topics are created
build_python() {
  if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    if ! python3 -m venv "$venv"; then
      # Debian's python3 has venv (ensurepip) in a package of its own.
      [ "${CI:-}" = true ] && command -v apt-get >/dev/null || exit 1
      rm -rf "$venv"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      python3 -m venv "$venv"
    fi
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check -r examples/python/requirements.txt
}
build_java() {
  # Offline after the first resolve of the dependencies (~/.m2).
  (cd examples/java && { mvn -q -B -Dstyle.color=never -o package -DskipTests 2>/dev/null || mvn -q -B -Dstyle.color=never package -DskipTests; })
}
declare -A build_pid
for ex in "${which_examples[@]}"; do
  case "$ex" in
    python) build_python >"$run_dir/build-python.log" 2>&1 & build_pid[python]=$! ;;
    java) build_java >"$run_dir/build-java.log" 2>&1 & build_pid[java]=$! ;;
    *) echo "unknown example: $ex (python, java)" >&2; exit 2 ;;
  esac
done

kanary() { pnpm -s kanary --brokers "$KAFKA_BROKERS" --registry "$SCHEMA_REGISTRY_URL" --prefix "$prefix" --partitions 4 "$@"; }
topics_created=1
kanary topics init >"$run_dir/topics.log" 2>&1 || { cat "$run_dir/topics.log"; exit 1; }
kanary schemas register >>"$run_dir/topics.log" 2>&1 || { cat "$run_dir/topics.log"; exit 1; }
say "topics created and schemas registered"

# --- the pipeline
policy="$(tr -d '\n' <examples/rollout-policy.json)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
router_port=$(free_port); worker_port=$(free_port); evaluator_port=$(free_port); decision_port=$(free_port)
export KANARY_TOPIC_PREFIX="$prefix" KANARY_DATA_PARTITIONS=4 LOG_LEVEL=info \
  KANARY_DEFAULT_POLICY="$policy" \
  ROUTER_HTTP_HOST=127.0.0.1 ROUTER_HTTP_PORT="$router_port" \
  OPS_PORT=0 \
  WORKER_VARIANTS='{"sim-good":{"kind":"sim","seed":1,"accuracy":0.9,"classes":["cat","dog","bird"],"latency":{"constantMs":2}},"sim-bad":{"kind":"sim","seed":2,"accuracy":0.4,"classes":["cat","dog","bird"],"latency":{"constantMs":2}}}' \
  EVALUATOR_METRICS_INTERVAL_MS=2000 EVALUATOR_WATERMARK_LATENESS_MS=3000 \
  DECISION_INTERVAL_MS=2000 DECISION_HOLD_REPORT_INTERVAL_MS=10000 \
  DECISION_OPS_HOST=127.0.0.1 DECISION_OPS_PORT="$decision_port"
start_service() { # name port-variable-assignment...
  local name=$1; shift
  env "$@" node --conditions=source --import tsx "services/$name/src/main.ts" >"$run_dir/$name.log" 2>&1 &
  pids+=($!)
}
start_service router
start_service model-worker OPS_PORT="$worker_port"
start_service evaluator OPS_PORT="$evaluator_port"
start_service decision
wait_ready() { # name port
  local deadline=$(($(date +%s) + 120))
  until curl -fsS -o /dev/null "http://127.0.0.1:$2/readyz" 2>/dev/null; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "$1 was not ready within 120 s; log $run_dir/$1.log:" >&2
      tail -n 20 "$run_dir/$1.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}
wait_ready router "$router_port"
wait_ready model-worker "$worker_port"
wait_ready evaluator "$evaluator_port"
wait_ready decision "$decision_port"
say "router, model worker, evaluator and decision service ready (logs: $run_dir)"

# --- the examples, side by side: each drives a rollout of its own model
failed=()
declare -A run_pid
for ex in "${which_examples[@]}"; do
  if ! wait "${build_pid[$ex]}"; then
    echo "--- $ex: build failed" >&2
    cat "$run_dir/build-$ex.log" >&2
    failed+=("$ex (build)")
    continue
  fi
  case "$ex" in
    python) "$venv/bin/python" examples/python/kanary_rollout.py --model example-python \
      >"$run_dir/example-python.log" 2>&1 & run_pid[python]=$! ;;
    java) java -jar examples/java/target/kanary-example.jar --model example-java \
      >"$run_dir/example-java.log" 2>&1 & run_pid[java]=$! ;;
  esac
  say "$ex example started"
done
for ex in "${!run_pid[@]}"; do
  if wait "${run_pid[$ex]}"; then status=0; else status=$?; fi
  echo "--- $ex example (exit $status)"
  cat "$run_dir/example-$ex.log"
  [ "$status" = 0 ] || failed+=("$ex")
done
# Labels and predictions the evaluator forwarded to their join partition (the examples' producers
# keep their clients' default partitioners), and services that died on the way.
curl -fsS "http://127.0.0.1:$evaluator_port/metrics" 2>/dev/null |
  grep -E '^kanary_evaluator_repartitioned_total' | sed 's/^/  evaluator: /' || true
i=0
for name in router model-worker evaluator decision; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    say "$name stopped during the run; log $run_dir/$name.log:"
    tail -n 20 "$run_dir/$name.log"
    failed+=("$name (service)")
  fi
  i=$((i + 1))
done

if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "every example passed: ${which_examples[*]}"
