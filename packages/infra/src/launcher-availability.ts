import { type InfraOptions, resolveInfraConfig } from './infra-config.js';
import { commandWorks, probeJava } from './java-runtime.js';
import { kafkaLibsCached, mavenCommand } from './kafka-libs.js';

/**
 * Whether this machine can run the local launcher: a Java 17+ runtime, and Maven unless the
 * broker's jars are already cached. Says why not, for the test harness's error message.
 */
export async function localLauncherAvailability(
  options: InfraOptions = {},
): Promise<{ available: boolean; reason: string }> {
  const config = resolveInfraConfig(options);
  const java = await probeJava(config.java);
  if (!java) return { available: false, reason: `no Java runtime at "${config.java}"` };
  if (java.major < 17)
    return {
      available: false,
      reason: `"${config.java}" is Java ${java.major}; Kafka 4 needs 17+`,
    };
  if (!kafkaLibsCached(config) && !(await commandWorks(mavenCommand(), ['-v']))) {
    return {
      available: false,
      reason: `Maven ("${mavenCommand()}") not found and Kafka ${config.kafkaVersion} not cached`,
    };
  }
  return { available: true, reason: `Java ${java.major} at ${java.bin}` };
}
