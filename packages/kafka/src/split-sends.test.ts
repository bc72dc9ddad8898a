import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { messageBytes, splitSends, type TopicMessages } from './split-sends.js';

const message = (key: string, valueBytes: number): Message => ({
  key,
  value: Buffer.alloc(valueBytes),
});

describe('messageBytes', () => {
  it('counts key, value and headers in bytes, plus the record framing', () => {
    expect(messageBytes({ key: null, value: null })).toBe(24);
    expect(messageBytes({ key: 'ab', value: 'é' })).toBe(24 + 2 + 2);
    expect(messageBytes({ key: null, value: Buffer.alloc(10), headers: { h: ['x', 'yz'] } })).toBe(
      24 + 10 + (1 + 1 + 8) + (1 + 2 + 8),
    );
  });
});

describe('splitSends', () => {
  const per = messageBytes(message('k0', 100));

  it("keeps everything in one send while each topic's messages fit", () => {
    const input: TopicMessages[] = [
      { topic: 'a', messages: [message('k0', 100), message('k1', 100)] },
      { topic: 'b', messages: [message('k2', 100), message('k3', 100)] },
    ];
    expect(splitSends(input, 2 * per)).toEqual([input]);
    expect(splitSends([], 3 * per)).toEqual([]);
  });

  it("cuts each topic's messages at the byte bound and keeps every topic in order across sends", () => {
    const a = Array.from({ length: 5 }, (_, i) => message(`k${i}`, 100));
    const b = Array.from({ length: 3 }, (_, i) => message(`m${i}`, 100));
    const sends = splitSends(
      [
        { topic: 'a', messages: a },
        { topic: 'b', messages: b },
      ],
      3 * per,
    );
    expect(sends.map((s) => s.map((t) => [t.topic, t.messages.map((m) => m.key)]))).toEqual([
      [
        ['a', ['k0', 'k1', 'k2']],
        ['b', ['m0', 'm1', 'm2']],
      ],
      [['a', ['k3', 'k4']]],
    ]);
    for (const send of sends) {
      for (const { messages } of send) {
        const bytes = messages.reduce((sum, m) => sum + messageBytes(m), 0);
        expect(bytes).toBeLessThanOrEqual(3 * per);
      }
    }
  });

  it('sends a message larger than the bound alone', () => {
    const sends = splitSends(
      [{ topic: 'a', messages: [message('s', 10), message('big', 5000), message('t', 10)] }],
      1000,
    );
    expect(sends.map((s) => s[0]!.messages.map((m) => m.key))).toEqual([['s'], ['big'], ['t']]);
  });
});
