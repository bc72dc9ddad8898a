#!/usr/bin/env python3
"""Drive one Kanary rollout end to end from Python with confluent-kafka.

Starts a rollout by producing a START RolloutCommand to <prefix>.rollout.commands, sends
InferenceRequests to <prefix>.inference.requests and, after a delay, their GroundTruthLabels to
<prefix>.labels, and follows <prefix>.rollout.state and <prefix>.rollout.decisions until the
rollout is promoted or rolled back. Exit code 0 when it ends in the expected phase within the
timeout, 1 when it does not, 2 on bad arguments or a missing schema.

Values are Avro in the Confluent wire format (magic byte 0, 4-byte schema id), written with the
latest schema registered under <topic>-value (the pipeline registers them: `kanary schemas
register`). Keys are plain UTF-8 strings, not Avro: the requestId for requests and labels, the
model for commands. The producer keeps librdkafka's default partitioner (CRC32), which puts
records on other partitions than Kanary's murmur2; the evaluator forwards the labels to the right
partition itself. The producer compresses with LZ4.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import (
    MessageField,
    SerializationContext,
    StringDeserializer,
    StringSerializer,
)

HERE = Path(__file__).resolve().parent
TERMINAL = {"PROMOTED", "ROLLED_BACK"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--brokers", default=os.environ.get("KAFKA_BROKERS", "127.0.0.1:19092"))
    p.add_argument(
        "--registry",
        default=os.environ.get(
            "SCHEMA_REGISTRY_URL", "http://127.0.0.1:18081/apis/ccompat/v7"
        ),
    )
    p.add_argument("--prefix", default=os.environ.get("KANARY_TOPIC_PREFIX", "kanary"))
    p.add_argument("--model", default="example-python", help="logical model name")
    p.add_argument("--stable", default="sim-good", help="stable variant (a model worker runs it)")
    p.add_argument("--canary", default="sim-bad", help="canary variant (a model worker runs it)")
    p.add_argument(
        "--classes",
        default="cat,dog,bird",
        help="comma-separated classes; the sim backend's `classes` must contain them",
    )
    p.add_argument("--expect", default="ROLLED_BACK", choices=sorted(TERMINAL))
    p.add_argument("--rate", type=float, default=80.0, help="requests per second")
    p.add_argument("--label-delay", type=float, default=1.0, help="seconds until a label is sent")
    p.add_argument("--timeout", type=float, default=150.0, help="seconds until giving up")
    p.add_argument(
        "--policy",
        default=str(HERE.parent / "rollout-policy.json"),
        help="rollout policy (JSON file) sent with the START command",
    )
    return p.parse_args(argv)


class Kanary:
    """Topic names, serializers and the producer and consumer of one run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.topics = {
            "requests": f"{args.prefix}.inference.requests",
            "labels": f"{args.prefix}.labels",
            "commands": f"{args.prefix}.rollout.commands",
            "state": f"{args.prefix}.rollout.state",
            "decisions": f"{args.prefix}.rollout.decisions",
        }
        self.registry = SchemaRegistryClient({"url": args.registry})
        # Write with the schema the pipeline registered under <topic>-value (never register one).
        conf = {"auto.register.schemas": False, "use.latest.version": True}
        schemas = HERE.parent.parent / "schemas"

        def serializer(file: str) -> AvroSerializer:
            return AvroSerializer(self.registry, (schemas / file).read_text(), conf=conf)

        self.values = {
            "requests": serializer("inference-request.avsc"),
            "labels": serializer("ground-truth-label.avsc"),
            "commands": serializer("rollout-command.avsc"),
        }
        # Without a schema of its own the deserializer reads with each record's writer schema.
        self.reader = AvroDeserializer(self.registry)
        self.keys = StringSerializer("utf_8")
        self.key_reader = StringDeserializer("utf_8")
        self.producer = Producer(
            {
                "bootstrap.servers": args.brokers,
                "compression.type": "lz4",
                "enable.idempotence": True,
                "linger.ms": 20,
                # No "partitioner": librdkafka's default (consistent_random, CRC32) on purpose.
            }
        )
        self.consumer = Consumer(
            {
                "bootstrap.servers": args.brokers,
                "group.id": f"kanary-example-python-{uuid.uuid4()}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
                # The router and the decision service write in transactions.
                "isolation.level": "read_committed",
                "enable.partition.eof": True,
            }
        )
        self.delivery_errors = 0

    def check_schemas(self) -> None:
        for name in ("requests", "labels", "commands", "state", "decisions"):
            subject = f"{self.topics[name]}-value"
            try:
                self.registry.get_latest_version(subject)
            except SchemaRegistryError as e:
                print(
                    f"no schema registered under {subject} ({e}); "
                    "register them first: pnpm kanary schemas register",
                    file=sys.stderr,
                )
                sys.exit(2)

    def _delivered(self, err, _msg) -> None:
        if err is not None:
            self.delivery_errors += 1
            print(f"delivery failed: {err}", file=sys.stderr)

    def produce(self, name: str, key: str, value: dict) -> None:
        topic = self.topics[name]
        ctx = SerializationContext(topic, MessageField.VALUE)
        payload = self.values[name](value, ctx)
        while True:
            try:
                self.producer.produce(
                    topic,
                    key=self.keys(key, SerializationContext(topic, MessageField.KEY)),
                    value=payload,
                    on_delivery=self._delivered,
                )
                return
            except BufferError:
                self.producer.poll(0.05)

    def read(self, timeout: float):
        """One record of state or decisions as (topic name, value), or None."""
        msg = self.consumer.poll(timeout)
        if msg is None:
            return None
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                return ("eof", msg.topic())
            raise KafkaException(msg.error())
        if msg.value() is None:
            return None
        value = self.reader(msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
        name = "state" if msg.topic() == self.topics["state"] else "decisions"
        return (name, value)


def millis() -> int:
    return int(time.time() * 1000)


def describe_state(s: dict) -> str:
    canary = f", canary {s['canary']} at {s['canaryWeight'] * 100:.0f}%" if s.get("canary") else ""
    return f"{s['phase']} (rollout {s['rolloutId']}, stable {s['stable']}{canary}, seq {s['seq']})"


def describe_decision(d: dict) -> str:
    parts = []
    for e in d.get("evidence") or []:
        if e["metric"] == "accuracy" and e.get("estimateStable") is not None:
            parts.append(
                f"accuracy stable {e['estimateStable']:.3f} (n={e['nStable']}) "
                f"canary {e['estimateCanary']:.3f} (n={e['nCanary']}) {e['outcome']}"
            )
    extra = f" [{'; '.join(parts)}]" if parts else ""
    return f"{d['action']} at step {d['stepIndex']} ({d['phase']}): {d['reason']}{extra}"


def run(args: argparse.Namespace) -> int:
    classes = [c for c in args.classes.split(",") if c]
    policy_text = Path(args.policy).read_text()
    policy = json.loads(policy_text)
    steps = policy.get("steps", [0.01, 0.05, 0.25, 0.5])
    shadow = policy.get("mode") == "shadow"

    k = Kanary(args)
    k.check_schemas()
    k.consumer.subscribe([k.topics["state"], k.topics["decisions"]])

    # 1. Read rollout.state to its end: a START names the seq of the model's current state.
    current = None
    deadline = time.monotonic() + 30
    at_end: set[str] = set()
    while k.topics["state"] not in at_end:
        if time.monotonic() > deadline:
            print(f"could not read {k.topics['state']} to its end within 30 s", file=sys.stderr)
            return 1
        got = k.read(0.5)
        if got is None:
            continue
        if got[0] == "eof":
            at_end.add(got[1])
        elif got[0] == "state" and got[1]["model"] == args.model:
            current = got[1]
    print(f"current state of {args.model}: {describe_state(current) if current else 'none'}")

    # 2. START, as `kanary rollout start` publishes it (key: the model).
    run_id = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    rollout_id = f"{args.model}-{run_id}-{uuid.uuid4().hex[:6]}"
    command_id = f"op-{uuid.uuid4()}"
    k.produce(
        "commands",
        args.model,
        {
            "commandId": command_id,
            "rolloutId": rollout_id,
            "model": args.model,
            "action": "START",
            "stable": args.stable,
            "canary": args.canary,
            "shadows": [],
            "canaryWeight": None if shadow else float(steps[0]),
            "stepIndex": None if shadow else 0,
            "basedOnSeq": current["seq"] if current else None,
            "issuedBy": "OPERATOR",
            "reason": "started by the Python example",
            "policy": policy_text,
            "issuedAt": millis(),
        },
    )
    k.producer.flush(10)
    print(f"published START {rollout_id}: stable {args.stable}, canary {args.canary}")

    started = time.monotonic()
    deadline = started + args.timeout
    state = None
    decisions: list[dict] = []
    holds = 0
    pending: list[tuple[float, str, str]] = []  # (due, requestId, label)
    sent = labelled = 0
    rng = random.Random(7)
    next_send = time.monotonic()
    last_progress = started

    def handle(got) -> int | None:
        """Apply one record read; an exit code when the run is decided."""
        nonlocal state, holds
        if got is None or got[0] == "eof":
            return None
        name, value = got
        if name == "state" and value["model"] == args.model:
            last = value.get("lastCommand")
            if last and last["commandId"] == command_id and last["outcome"] == "REJECTED":
                print(f"START rejected: {last.get('reasonCode')} {last.get('message')}")
                return 1
            if value["rolloutId"] == rollout_id:
                if state is None or state["phase"] != value["phase"] or (
                    state["canaryWeight"] != value["canaryWeight"]
                ):
                    print(f"state: {describe_state(value)}")
                state = value
        elif name == "decisions" and value["rolloutId"] == rollout_id:
            decisions.append(value)
            if value["action"] == "HOLD":
                holds += 1
            else:
                print(f"decision: {describe_decision(value)}")
        return None

    # 3. Wait for the router to apply the START before sending traffic.
    while state is None:
        if time.monotonic() > started + 30:
            print("the router did not apply the START within 30 s (is it running?)")
            return 1
        code = handle(k.read(0.2))
        if code is not None:
            return code

    # 4. Traffic and delayed labels until the rollout ends or the time is up.
    while time.monotonic() < deadline and state["phase"] not in TERMINAL:
        now = time.monotonic()
        while next_send <= now:
            request_id = f"{rollout_id}-{sent}"
            truth = rng.choice(classes)
            features = {"x": round(rng.random(), 4), "trueLabel": truth}
            k.produce(
                "requests",
                request_id,
                {
                    "requestId": request_id,
                    "model": args.model,
                    "routingKey": f"user-{rng.randrange(2000)}",
                    "features": json.dumps(features),
                    "timestamp": millis(),
                },
            )
            heapq.heappush(pending, (now + args.label_delay, request_id, truth))
            sent += 1
            next_send += 1.0 / args.rate
        while pending and pending[0][0] <= now:
            _, request_id, truth = heapq.heappop(pending)
            k.produce(
                "labels",
                request_id,
                {"requestId": request_id, "model": args.model, "label": truth, "timestamp": millis()},
            )
            labelled += 1
        k.producer.poll(0)
        if now - last_progress >= 10:
            last_progress = now
            print(
                f"{now - started:5.0f} s: {sent} requests, {labelled} labels sent; "
                f"{len(decisions)} decisions ({holds} HOLD); phase {state['phase']}"
            )
        code = handle(k.read(0.02))
        if code is not None:
            return code

    k.producer.flush(10)
    k.consumer.close()
    elapsed = time.monotonic() - started
    print(
        f"sent {sent} requests and {labelled} labels in {elapsed:.0f} s; "
        f"{len(decisions)} decisions ({holds} HOLD)"
    )
    if decisions:
        print(f"last decision: {describe_decision(decisions[-1])}")
    if k.delivery_errors:
        print(f"{k.delivery_errors} records were not delivered")
        return 1
    phase = state["phase"]
    if phase == args.expect:
        print(f"OK: rollout {rollout_id} ended {phase} as expected")
        return 0
    if phase in TERMINAL:
        print(f"FAILED: rollout {rollout_id} ended {phase}, expected {args.expect}")
    else:
        print(f"FAILED: rollout {rollout_id} still {phase} after {args.timeout:.0f} s, expected {args.expect}")
    return 1


def main() -> int:
    args = parse_args(sys.argv[1:])
    try:
        return run(args)
    except KafkaException as e:
        print(f"Kafka error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
