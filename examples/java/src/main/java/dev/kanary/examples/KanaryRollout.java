package dev.kanary.examples;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives one Kanary rollout end to end with kafka-clients.
 *
 * <p>Starts a rollout by producing a START RolloutCommand to {@code <prefix>.rollout.commands},
 * sends InferenceRequests to {@code <prefix>.inference.requests} and, after a delay, their
 * GroundTruthLabels to {@code <prefix>.labels}, and follows {@code <prefix>.rollout.state} and
 * {@code <prefix>.rollout.decisions} until the rollout is promoted or rolled back. Exit code 0
 * when it ends in the expected phase within the timeout, 1 when it does not, 2 on bad arguments
 * or a missing topic.
 *
 * <p>Values are Avro in the Confluent wire format (magic byte 0, 4-byte schema id), written and
 * read by Apicurio's Avro serde: with the 4-byte id handler and content ids, the id it writes is
 * the one the registry's Confluent-compatible API hands out. It writes with the latest schema
 * registered under {@code <topic>-value} (the pipeline registers them: {@code kanary schemas
 * register}) and never registers one. Keys are plain UTF-8 strings, not Avro. The producer keeps
 * the Java client's default partitioner (murmur2 of the key, as Kanary's own) and compresses
 * with zstd.
 */
public final class KanaryRollout {
  private static final Set<String> TERMINAL = Set.of("PROMOTED", "ROLLED_BACK");
  /** Kept referenced: the registry client's shared Vert.x instance warns on java.util.logging. */
  private static final java.util.logging.Logger APICURIO_LOG =
      java.util.logging.Logger.getLogger("io.apicurio");

  private final Map<String, String> opts;
  private final String model;
  private final Map<String, String> topics = new HashMap<>();
  private final Map<String, Schema> schemas = new HashMap<>();
  private final AtomicInteger deliveryErrors = new AtomicInteger();

  private KanaryRollout(Map<String, String> opts) {
    this.opts = opts;
    this.model = opts.get("model");
    String prefix = opts.get("prefix");
    topics.put("requests", prefix + ".inference.requests");
    topics.put("labels", prefix + ".labels");
    topics.put("commands", prefix + ".rollout.commands");
    topics.put("state", prefix + ".rollout.state");
    topics.put("decisions", prefix + ".rollout.decisions");
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    APICURIO_LOG.setLevel(java.util.logging.Level.SEVERE);
    Map<String, String> opts = parseArgs(args);
    if (opts == null) System.exit(2);
    int code;
    try {
      code = new KanaryRollout(opts).run();
    } catch (KafkaException | IOException e) {
      System.err.println("failed: " + e);
      code = 1;
    }
    System.exit(code);
  }

  private static Map<String, String> parseArgs(String[] args) {
    Map<String, String> o = new HashMap<>();
    String env;
    o.put("brokers", (env = System.getenv("KAFKA_BROKERS")) != null ? env : "127.0.0.1:19092");
    o.put(
        "registry",
        (env = System.getenv("SCHEMA_REGISTRY_URL")) != null
            ? env
            : "http://127.0.0.1:18081/apis/ccompat/v7");
    o.put("prefix", (env = System.getenv("KANARY_TOPIC_PREFIX")) != null ? env : "kanary");
    o.put("model", "example-java");
    o.put("stable", "sim-good");
    o.put("canary", "sim-bad");
    o.put("classes", "cat,dog,bird");
    o.put("expect", "ROLLED_BACK");
    o.put("rate", "80");
    o.put("label-delay", "1.0");
    o.put("timeout", "150");
    o.put("policy", "examples/rollout-policy.json");
    o.put("schemas", "schemas");
    o.put("apicurio-url", "");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(
            "usage: java -jar kanary-example.jar [--brokers B] [--registry URL] [--apicurio-url URL]"
                + " [--prefix P] [--model M] [--stable V] [--canary V] [--classes a,b,c]"
                + " [--expect ROLLED_BACK|PROMOTED] [--rate N] [--label-delay S] [--timeout S]"
                + " [--policy FILE] [--schemas DIR]");
        return null;
      }
      if (!a.startsWith("--") || !o.containsKey(a.substring(2)) || i + 1 >= args.length) {
        System.err.println("unknown option or missing value: " + a + " (see --help)");
        return null;
      }
      o.put(a.substring(2), args[++i]);
    }
    if (!TERMINAL.contains(o.get("expect"))) {
      System.err.println("--expect must be PROMOTED or ROLLED_BACK");
      return null;
    }
    if (o.get("apicurio-url").isEmpty()) {
      // The serde speaks Apicurio's own REST API; Kanary is configured with the Confluent-
      // compatible one of the same registry (…/apis/ccompat/v7).
      o.put("apicurio-url", o.get("registry").replaceFirst("/apis/ccompat/v\\d+/?$", "/apis/registry/v3"));
    }
    return o;
  }

  /** Serde settings for the Confluent wire format against the schemas the pipeline registered. */
  private Map<String, Object> serdeConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put("apicurio.registry.url", opts.get("apicurio-url"));
    // Magic byte 0 and a 4-byte id in the payload, no Apicurio headers: the Confluent format.
    c.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
    c.put("apicurio.registry.headers.enabled", false);
    // The registry's ccompat API hands out content ids as schema ids.
    c.put("apicurio.registry.use-id", "contentId");
    // Write with the latest version registered under <topic>-value (TopicIdStrategy, group
    // "default", where ccompat subjects live); never register a schema.
    c.put("apicurio.registry.auto-register", false);
    c.put("apicurio.registry.find-latest", true);
    return c;
  }

  private Schema schema(String file) throws IOException {
    Path dir = Path.of(opts.get("schemas"));
    return new Schema.Parser().parse(Files.readString(dir.resolve(file)));
  }

  private KafkaProducer<String, Object> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, opts.get("brokers"));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // Fail within seconds, not a minute, when a topic is missing or the broker is away.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    // No partitioner set: the Java client's default, murmur2 of the key.
    AvroKafkaSerializer<Object> values = new AvroKafkaSerializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaProducer<>(p, new StringSerializer(), values);
  }

  private KafkaConsumer<String, Object> consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, opts.get("brokers"));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // The router and the decision service write in transactions.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
    values.configure(serdeConfig(), false);
    return new KafkaConsumer<>(p, new StringDeserializer(), values);
  }

  private void send(KafkaProducer<String, Object> producer, String name, String key, GenericRecord value) {
    producer.send(
        new ProducerRecord<>(topics.get(name), key, value),
        (meta, e) -> {
          if (e != null) {
            deliveryErrors.incrementAndGet();
            System.err.println("delivery failed: " + e);
          }
        });
  }

  private static String str(GenericRecord r, String field) {
    Object v = r.get(field);
    return v == null ? null : v.toString();
  }

  private static double num(GenericRecord r, String field) {
    Object v = r.get(field);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  static String describeState(GenericRecord s) {
    String canary =
        s.get("canary") != null
            ? String.format(", canary %s at %.0f%%", s.get("canary"), num(s, "canaryWeight") * 100)
            : "";
    return String.format(
        "%s (rollout %s, stable %s%s, seq %s)",
        s.get("phase"), s.get("rolloutId"), s.get("stable"), canary, s.get("seq"));
  }

  static String describeDecision(GenericRecord d) {
    List<String> parts = new ArrayList<>();
    Object evidence = d.get("evidence");
    if (evidence instanceof List<?> list) {
      for (Object o : list) {
        GenericRecord e = (GenericRecord) o;
        if ("accuracy".equals(str(e, "metric")) && e.get("estimateStable") != null) {
          parts.add(
              String.format(
                  "accuracy stable %.3f (n=%s) canary %.3f (n=%s) %s",
                  num(e, "estimateStable"), e.get("nStable"), num(e, "estimateCanary"),
                  e.get("nCanary"), e.get("outcome")));
        }
      }
    }
    return String.format(
        "%s at step %s (%s): %s%s",
        d.get("action"), d.get("stepIndex"), d.get("phase"), d.get("reason"),
        parts.isEmpty() ? "" : " [" + String.join("; ", parts) + "]");
  }

  private record Due(long at, String requestId, String label) {}

  private int run() throws IOException {
    List<String> classes = List.of(opts.get("classes").split(","));
    double rate = Double.parseDouble(opts.get("rate"));
    long labelDelayMs = Math.round(Double.parseDouble(opts.get("label-delay")) * 1000);
    long timeoutMs = Math.round(Double.parseDouble(opts.get("timeout")) * 1000);
    String policyText = Files.readString(Path.of(opts.get("policy")));
    boolean shadow = policyText.matches("(?s).*\"mode\"\\s*:\\s*\"shadow\".*");
    double firstStep = firstStep(policyText);

    schemas.put("requests", schema("inference-request.avsc"));
    schemas.put("labels", schema("ground-truth-label.avsc"));
    schemas.put("commands", schema("rollout-command.avsc"));

    try (KafkaProducer<String, Object> producer = producer();
        KafkaConsumer<String, Object> consumer = consumer()) {
      // 1. Read rollout.state to its end: a START names the seq of the model's current state.
      List<TopicPartition> partitions = new ArrayList<>();
      for (String name : List.of("state", "decisions")) {
        List<PartitionInfo> infos = consumer.partitionsFor(topics.get(name), Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
          System.err.println(
              "topic " + topics.get(name) + " does not exist; create the topics first: pnpm kanary topics init");
          return 2;
        }
        for (PartitionInfo info : infos) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<TopicPartition> statePartitions =
          partitions.stream().filter(tp -> tp.topic().equals(topics.get("state"))).toList();
      Map<TopicPartition, Long> ends = consumer.endOffsets(statePartitions);
      GenericRecord current = null;
      long readDeadline = System.currentTimeMillis() + 30_000;
      while (statePartitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.currentTimeMillis() > readDeadline) {
          System.out.println("could not read " + topics.get("state") + " to its end within 30 s");
          return 1;
        }
        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
          GenericRecord v = (GenericRecord) r.value();
          if (r.topic().equals(topics.get("state")) && v != null && model.equals(str(v, "model"))) {
            current = v;
          }
        }
      }
      System.out.println(
          "current state of " + model + ": " + (current == null ? "none" : describeState(current)));

      // 2. START, as `kanary rollout start` publishes it (key: the model).
      String runId = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
      String rolloutId = model + "-" + runId + "-" + UUID.randomUUID().toString().substring(0, 6);
      String commandId = "op-" + UUID.randomUUID();
      Schema commandSchema = schemas.get("commands");
      // A builder fills every field this client does not set with its schema default (fields
      // added to the contract later, such as `candidates` or `actor`), as Avro intends.
      GenericRecordBuilder start = new GenericRecordBuilder(commandSchema);
      start.set("commandId", commandId);
      start.set("rolloutId", rolloutId);
      start.set("model", model);
      start.set("action", new GenericData.EnumSymbol(commandSchema.getField("action").schema(), "START"));
      start.set("stable", opts.get("stable"));
      start.set("canary", opts.get("canary"));
      start.set("shadows", new GenericData.Array<String>(commandSchema.getField("shadows").schema(), List.of()));
      start.set("canaryWeight", shadow ? null : firstStep);
      start.set("stepIndex", shadow ? null : 0);
      start.set("basedOnSeq", current == null ? null : current.get("seq"));
      start.set("issuedBy", new GenericData.EnumSymbol(commandSchema.getField("issuedBy").schema(), "OPERATOR"));
      start.set("reason", "started by the Java example");
      start.set("policy", policyText);
      start.set("issuedAt", System.currentTimeMillis());
      send(producer, "commands", model, start.build());
      producer.flush();
      System.out.printf("published START %s: stable %s, canary %s%n", rolloutId, opts.get("stable"), opts.get("canary"));

      long started = System.currentTimeMillis();
      long deadline = started + timeoutMs;
      GenericRecord state = null;
      List<GenericRecord> decisions = new ArrayList<>();
      int holds = 0;
      PriorityQueue<Due> pending = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
      long sent = 0;
      long labelled = 0;
      Random rng = new Random(11);
      double nextSend = System.currentTimeMillis();
      long lastProgress = started;
      Schema requestSchema = schemas.get("requests");
      Schema labelSchema = schemas.get("labels");

      for (;;) {
        long now = System.currentTimeMillis();
        // 3. Follow state and decisions; traffic starts once the router has applied the START.
        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(20))) {
          GenericRecord v = (GenericRecord) r.value();
          if (v == null) continue;
          if (r.topic().equals(topics.get("state")) && model.equals(str(v, "model"))) {
            GenericRecord last = (GenericRecord) v.get("lastCommand");
            if (last != null && commandId.equals(str(last, "commandId")) && "REJECTED".equals(str(last, "outcome"))) {
              System.out.printf("START rejected: %s %s%n", last.get("reasonCode"), last.get("message"));
              return 1;
            }
            if (rolloutId.equals(str(v, "rolloutId"))) {
              if (state == null
                  || !str(state, "phase").equals(str(v, "phase"))
                  || num(state, "canaryWeight") != num(v, "canaryWeight")) {
                System.out.println("state: " + describeState(v));
              }
              state = v;
            }
          } else if (r.topic().equals(topics.get("decisions")) && rolloutId.equals(str(v, "rolloutId"))) {
            decisions.add(v);
            if ("HOLD".equals(str(v, "action"))) holds++;
            else System.out.println("decision: " + describeDecision(v));
          }
        }
        if (state == null) {
          if (now > started + 30_000) {
            System.out.println("the router did not apply the START within 30 s (is it running?)");
            return 1;
          }
          nextSend = now;
          continue;
        }
        if (TERMINAL.contains(str(state, "phase")) || now > deadline) break;

        // 4. Requests at the rate, each one's label after the delay.
        while (nextSend <= now) {
          String requestId = rolloutId + "-" + sent;
          String truth = classes.get(rng.nextInt(classes.size()));
          GenericRecord request = new GenericRecordBuilder(requestSchema)
              .set("requestId", requestId)
              .set("model", model)
              .set("routingKey", "user-" + rng.nextInt(2000))
              .set("features", String.format("{\"x\":%.4f,\"trueLabel\":\"%s\"}", rng.nextDouble(), truth))
              .set("timestamp", System.currentTimeMillis())
              .build();
          send(producer, "requests", requestId, request);
          pending.add(new Due(now + labelDelayMs, requestId, truth));
          sent++;
          nextSend += 1000.0 / rate;
        }
        while (!pending.isEmpty() && pending.peek().at() <= now) {
          Due due = pending.poll();
          GenericRecord label = new GenericRecordBuilder(labelSchema)
              .set("requestId", due.requestId())
              .set("model", model)
              .set("label", due.label())
              .set("timestamp", System.currentTimeMillis())
              .build();
          send(producer, "labels", due.requestId(), label);
          labelled++;
        }
        if (now - lastProgress >= 10_000) {
          lastProgress = now;
          System.out.printf(
              "%5d s: %d requests, %d labels sent; %d decisions (%d HOLD); phase %s%n",
              (now - started) / 1000, sent, labelled, decisions.size(), holds, state.get("phase"));
        }
      }
      producer.flush();
      System.out.printf(
          "sent %d requests and %d labels in %d s; %d decisions (%d HOLD)%n",
          sent, labelled, (System.currentTimeMillis() - started) / 1000, decisions.size(), holds);
      if (!decisions.isEmpty()) {
        System.out.println("last decision: " + describeDecision(decisions.get(decisions.size() - 1)));
      }
      if (deliveryErrors.get() > 0) {
        System.out.println(deliveryErrors.get() + " records were not delivered");
        return 1;
      }
      String phase = state == null ? "NOT STARTED" : str(state, "phase");
      if (phase.equals(opts.get("expect"))) {
        System.out.printf("OK: rollout %s ended %s as expected%n", rolloutId, phase);
        return 0;
      }
      System.out.printf(
          TERMINAL.contains(phase)
              ? "FAILED: rollout %s ended %s, expected %s%n"
              : "FAILED: rollout %s still %s at the timeout, expected %s%n",
          rolloutId, phase, opts.get("expect"));
      return 1;
    }
  }

  /** The policy's first step (its `steps[0]`), or the default policy's, 0.01. */
  static double firstStep(String policyJson) {
    Matcher m = Pattern.compile("\"steps\"\\s*:\\s*\\[\\s*([0-9.eE+-]+)").matcher(policyJson);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.01;
  }
}
