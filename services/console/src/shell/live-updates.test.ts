import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { waitFor } from '@kanary/testkit';
import { describe, expect, it } from 'vitest';
import { LiveUpdates } from './live-updates.js';

/** Just enough of a ServerResponse to record what is written to it. */
function fakeResponse() {
  const chunks: string[] = [];
  const res = Object.assign(new EventEmitter(), {
    writeHead: (status: number, headers: Record<string, string>) => {
      chunks.push(`${status} ${headers['content-type']}\n`);
      return res;
    },
    write: (chunk: string) => chunks.push(chunk),
    end: () => res.emit('close'),
  });
  return { res: res as unknown as ServerResponse, text: () => chunks.join(''), raw: res };
}

describe('LiveUpdates', () => {
  it('opens an event stream and coalesces a burst of changes into one event per interval', async () => {
    const counts: number[] = [];
    const live = new LiveUpdates(200, (n) => counts.push(n));
    const page = fakeResponse();
    live.attach(page.res);
    expect(page.text()).toMatch(
      /^200 text\/event-stream; charset=utf-8\nretry: 2000\nevent: hello\ndata: 0\n\n$/,
    );
    for (let i = 0; i < 50; i++) live.changed();
    await waitFor(() => page.text().includes('event: change'), { timeoutMs: 5_000 });
    expect(page.text().match(/event: change/g)).toHaveLength(1);
    expect(page.text()).toContain('event: change\ndata: 50\n\n');
    live.changed();
    await waitFor(() => page.text().match(/event: change/g)?.length === 2, { timeoutMs: 5_000 });
    page.raw.emit('close');
    expect(counts).toEqual([1, 0]);
    live.close();
  });
});
