package dev.kanary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
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
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka Streams passthrough with processing.guarantee=exactly_once_v2: every record of the
 * input topic is written to the output topic with its key and value bytes unchanged, in the
 * transaction that commits its input offset. The reference for Kanary's exactly-once stages: what
 * Kafka's own Java library does with the same records on the same broker.
 *
 * <p>Arguments: {@code --bootstrap-server host:port --application-id id --input topic --output
 * topic --commit-interval-ms n}. Everything else is Streams' default (one stream thread,
 * producer linger 100 ms, flushed at every commit). Prints {@code RUNNING} on standard output each
 * time the instance reaches that state (the bench waits for the first); exits after closing the
 * instance on SIGTERM, and with status 1 if the instance fails.
 */
public final class StreamsPassthrough {
  private StreamsPassthrough() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = parse(args);
    Path stateDir = Files.createTempDirectory("kanary-streams-anchor-");

    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, required(options, "application-id"));
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, required(options, "bootstrap-server"));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, required(options, "commit-interval-ms"));
    // Stateless: the directory only holds the instance's lock and id.
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

    StreamsBuilder builder = new StreamsBuilder();
    builder
        .stream(required(options, "input"), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(required(options, "output"), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));

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
