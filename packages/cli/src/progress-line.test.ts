import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-line.js';

const fake = (isTTY: boolean) => {
  const written: string[] = [];
  return { stream: { isTTY, write: (t: string) => written.push(t) }, written };
};

describe('progressLine', () => {
  it('rewrites one line in place on a terminal, throttled', () => {
    let t = 0;
    const { stream, written } = fake(true);
    const line = progressLine(stream, { now: () => t });
    line.update('a'); // too soon after creation
    t = 150;
    line.update('b');
    t = 200;
    line.update('c'); // throttled
    line.done('done');
    expect(written).toEqual(['\r\u001b[2Kb', '\r\u001b[2Kdone\n']);
  });

  it('writes plain lines at the plain interval elsewhere', () => {
    let t = 0;
    const { stream, written } = fake(false);
    const line = progressLine(stream, { now: () => t, plainIntervalMs: 1_000 });
    for (t = 0; t <= 2_500; t += 100) line.update(`at ${t}`);
    line.done('finished');
    expect(written).toEqual(['at 1000\n', 'at 2000\n', 'finished\n']);
  });

  it('stays silent off a terminal for work shorter than the interval', () => {
    const { stream, written } = fake(false);
    const line = progressLine(stream, { now: () => 0 });
    line.update('x');
    line.done('done');
    expect(written).toEqual([]);
  });
});
