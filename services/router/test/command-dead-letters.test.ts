import { DlqHeader, dlqHeader } from '@kanary/kafka';
import {
  collectMessages,
  connectedProducer,
  disconnectTestClients,
  waitFor,
} from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { command, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const GARBAGE = 3_000;
const GARBAGE_BYTES = 330;

describe('router command applier, dead letters', () => {
  it('dead-letters a full fetch of undecodable commands, whose letters outgrow one produce request, and goes on applying', async () => {
    bed = await routerBed();
    // About 1 MB of garbage before the router starts, so that its first fetch is a full one: the
    // dead letters (the bytes plus the reason headers) come to well over message.max.bytes.
    const producer = await connectedProducer();
    for (let i = 0; i < GARBAGE; i += 1_000) {
      await producer.send({
        topic: bed.catalog.commands.name,
        messages: Array.from({ length: 1_000 }, (_, j) => ({
          key: `garbage-${i + j}`,
          value: Buffer.alloc(GARBAGE_BYTES, 0x7f),
        })),
      });
    }
    const dlq = await collectMessages(bed.catalog.dlq.name);
    const states = await bed.collect(bed.catalog.state);
    await bed.start();
    const start = command();
    await bed.command(start);

    const letters = await dlq.waitFor(GARBAGE, 60_000);
    expect(letters).toHaveLength(GARBAGE);
    expect(new Set(letters.map((l) => dlqHeader(l.headers, DlqHeader.errorClass)))).toEqual(
      new Set(['DecodeError']),
    );
    await waitFor(() => states.records.some((s) => s.lastCommand?.commandId === start.commandId), {
      timeoutMs: 30_000,
      description: 'the START after the garbage to be applied',
    });
    await dlq.stop();
  });
});
