package dev.kanary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * Kafka Streams with processing.guarantee=exactly_once_v2, the reference for Kanary's
 * exactly-once stages: what Kafka's own Java library does with the same records on the same
 * broker. Two topologies:
 *
 * <ul>
 *   <li>{@code passthrough}: every record of the input topics is written to the output topic with
 *       its key and value bytes unchanged, in the transaction that commits its input offset.
 *   <li>{@code join}: the first input (predictions) joined with the second (labels) on the record
 *       key, a KStream-KStream inner join within {@code --join-window-ms}; each pair's output is
 *       the two value byte arrays one after the other. Both sides are kept in Streams' window
 *       stores (RocksDB), each write logged to the store's changelog topic: per pair two
 *       changelog records and one output, the record count of the evaluator's join (the first
 *       side's entry, the entry rewritten when the other side arrives, and the evaluation). No
 *       decoding: it bounds what a join costs Streams.
 * </ul>
 *
 * <p>Arguments: {@code --bootstrap-server host:port --application-id id --input topic[,topic]
 * --output topic --commit-interval-ms n [--topology passthrough|join] [--join-window-ms n]}.
 * Everything else is Streams' default (one stream thread, producer linger 100 ms, flushed at every
 * commit). Prints {@code RUNNING} on standard output each time the instance reaches that state
 * (the bench waits for the first); exits after closing the instance on SIGTERM, and with status
 * 1 if the instance fails.
 */
public final class StreamsAnchor {
  private StreamsAnchor() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = parse(args);
    Path stateDir = Files.createTempDirectory("kanary-streams-anchor-");

    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, required(options, "application-id"));
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, required(options, "bootstrap-server"));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, required(options, "commit-interval-ms"));
    // The passthrough's directory only holds the instance's lock and id; the join's, its stores.
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

    List<String> inputs = Arrays.asList(required(options, "input").split(","));
    String output = required(options, "output");
    Consumed<byte[], byte[]> consumed = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
    Produced<byte[], byte[]> produced = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
    StreamsBuilder builder = new StreamsBuilder();
    String topology = options.getOrDefault("topology", "passthrough");
    switch (topology) {
      case "passthrough" -> builder.stream(inputs, consumed).to(output, produced);
      case "join" -> {
        if (inputs.size() != 2) throw new IllegalArgumentException("join: --input left,right");
        KStream<byte[], byte[]> left = builder.stream(inputs.get(0), consumed);
        KStream<byte[], byte[]> right = builder.stream(inputs.get(1), consumed);
        Duration window = Duration.ofMillis(Long.parseLong(required(options, "join-window-ms")));
        left.join(
                right,
                StreamsAnchor::concat,
                JoinWindows.ofTimeDifferenceWithNoGrace(window),
                StreamJoined.with(Serdes.ByteArray(), Serdes.ByteArray(), Serdes.ByteArray()))
            .to(output, produced);
      }
      default -> throw new IllegalArgumentException("unknown --topology " + topology);
    }

    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        e -> {
          System.err.println("stream thread failed: " + e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            System.out.println("RUNNING");
            System.out.flush();
          } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
            stopped.countDown();
          }
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(30));
                  deleteRecursively(stateDir);
                },
                "anchor-shutdown"));
    streams.start();
    stopped.await();
    // Reached only when the instance stopped by itself (a SIGTERM ends the JVM in the hook).
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }

  private static byte[] concat(byte[] left, byte[] right) {
    byte[] both = Arrays.copyOf(left, left.length + right.length);
    System.arraycopy(right, 0, both, left.length, right.length);
    return both;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
