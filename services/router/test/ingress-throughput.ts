/**
 * Measures routed requests per second through the Kafka ingress on this machine. Not a test (no
 * timed assertions): `count` requests are produced first, then a router starts and the time from
 * its readiness until it has routed all of them (its own `kanary_routed_total`) is reported.
 *
 *   KAFKA_BROKERS=localhost:19092 SCHEMA_REGISTRY_URL=http://localhost:18081/apis/ccompat/v7 \
 *     node --conditions=source --import tsx services/router/test/ingress-throughput.ts [count]
 *
 * ROUTER_* variables in the environment (e.g. ROUTER_MAX_BYTES_PER_PARTITION) reach the router.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { disconnectTestClients } from '@kanary/testkit';
import { requestsFor, routerBed } from './router-test-bed.js';

const count = Number(process.argv[2] ?? 200_000);
const bed = await routerBed();
try {
  const produceStarted = Date.now();
  await bed.requests(requestsFor(count, 'bench'));
  process.stdout.write(`produced ${count} requests in ${Date.now() - produceStarted} ms\n`);
  const routerEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('ROUTER_') && entry[1] !== undefined,
    ),
  );
  const router = await bed.start(routerEnv);
  const started = Date.now();
  const routed = async () => {
    const metric = await router.registry.getSingleMetric('kanary_routed_total')?.get();
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  let done = 0;
  while ((done = await routed()) < count && Date.now() - started < 600_000) await delay(50);
  const seconds = (Date.now() - started) / 1_000;
  process.stdout.write(
    `routed ${done} requests in ${seconds.toFixed(2)} s: ${Math.round(done / seconds)} requests/s ` +
      `(${bed.catalog.requests.partitions} partitions, one router instance, exactly-once)\n`,
  );
} finally {
  await bed.close();
  await disconnectTestClients();
}
