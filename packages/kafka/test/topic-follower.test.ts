import { exampleEvents, type RolloutState } from '@kanary/contracts';
import { connectedProducer, disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { TopicFollower } from '../src/index.js';
import { toolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

describe('TopicFollower', () => {
  it('catches up to the end of a compacted topic, skips unreadable records and keeps following', async () => {
    const f = await toolkitFixture();
    const state = (model: string, seq: number): RolloutState => ({
      ...exampleEvents.RolloutState,
      model,
      seq,
    });
    const producer = await connectedProducer({ idempotent: true });
    const send = async (model: string, value: Buffer | null) =>
      producer.send({ topic: f.catalog.state.name, messages: [{ key: model, value }], acks: -1 });
    await send('a', await f.codec.encode(f.catalog.state, state('a', 1)));
    await send('b', await f.codec.encode(f.catalog.state, state('b', 1)));
    await send('a', await f.codec.encode(f.catalog.state, state('a', 2)));
    await send('c', Buffer.from('garbage'));
    await send('b', null);

    const latest = new Map<string, number | null>();
    const invalid: string[] = [];
    const follower = new TopicFollower({
      kafka: f.kafka,
      codec: f.codec,
      topic: f.catalog.state,
      logger: f.logger,
      groupIdPrefix: `${f.prefix}.follower`,
      onRecord: (r) => {
        latest.set(r.key!, r.value?.seq ?? null);
      },
      onInvalid: (_e, meta) => invalid.push(meta.key ?? ''),
    });
    await follower.start();
    try {
      await follower.catchUp(30_000);
      expect(Object.fromEntries(latest)).toEqual({ a: 2, b: null });
      expect(invalid).toEqual(['c']);
      await send('a', await f.codec.encode(f.catalog.state, state('a', 3)));
      await waitFor(() => latest.get('a') === 3, { timeoutMs: 30_000 });
    } finally {
      await follower.stop();
    }
  });
});
