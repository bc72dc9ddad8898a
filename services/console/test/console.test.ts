import { exampleEvents, type ArmEvidence } from '@kanary/contracts';
import { EvidenceFolder, rolloutTerms } from '@kanary/evidence';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvidenceSource, SPLIT_TRAFFIC } from '../src/core/evidence.fixtures.js';
import type { ActionResult, EvidenceJson, RolloutSummary } from '../src/index.js';
import { CONSOLE_TOKEN, consoleBed, type ConsoleBed } from './console-bed.js';

let bed: ConsoleBed;

beforeAll(async () => {
  bed = await consoleBed();
}, 120_000);

afterAll(async () => {
  await bed?.close();
  await disconnectTestClients();
});

/** Reads a server-sent event stream in the background. */
function followEvents(url: string) {
  const abort = new AbortController();
  let text = '';
  const done = (async () => {
    const response = await fetch(url, { signal: abort.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += decoder.decode(value, { stream: true });
    }
  })().catch(() => undefined);
  return {
    text: () => text,
    async close() {
      abort.abort();
      await done;
    },
  };
}

const json = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${bed.console.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
};

describe('web console on the broker', () => {
  it('shows a live rollout (JSON, HTML, server-sent events) and rolls it back with the operator token', async () => {
    const events = followEvents(`${bed.console.url}/events`);
    try {
      await waitFor(() => events.text().includes('event: hello'), {
        description: 'the hello event',
      });
      await bed.startRollout('weather', 'weather-logreg-v1', 'weather-tree-v3', 'weather-c1');

      // The state reaches the console, and every open page is told.
      const listed = await waitFor(
        async () => {
          const { body } = await json<{ rollouts: RolloutSummary[] }>('/api/rollouts');
          return body.rollouts.find((r) => r.rolloutId === 'weather-c1' && r.phase === 'CANARY');
        },
        { timeoutMs: 30_000, description: 'the rollout in /api/rollouts' },
      );
      expect(listed).toMatchObject({
        model: 'weather',
        current: true,
        canaryWeight: 0.1,
        stable: 'weather-logreg-v1',
        canary: 'weather-tree-v3',
        actions: ['pause', 'promote', 'rollback', 'approve'],
      });
      await waitFor(() => events.text().includes('event: change'), {
        description: 'a change event',
      });

      // Two evaluator instances, one source partition each, publish their evidence; a decision.
      const state = bed.router.rollout('weather')!;
      const terms = rolloutTerms(state);
      const at = state.startedAt + 100;
      const canaryArm = {
        rolloutId: 'weather-c1',
        variant: 'weather-tree-v3',
        role: 'CANARY',
        served: true,
      } as const;
      const [share0, share1] = SPLIT_TRAFFIC.partitions;
      const p0 = new EvidenceSource(0, 2, terms)
        .fold({ ...canaryArm, at, ...share0, latencyMs: 30 })
        .fold({
          ...canaryArm,
          variant: 'weather-logreg-v1',
          role: 'STABLE',
          at,
          routed: 900,
          labelled: 700,
          correct: 560,
        });
      const p1 = new EvidenceSource(1, 2, terms).fold({
        ...canaryArm,
        at,
        ...share1,
        latencyMs: 30,
      });
      const evidence = (records: ArmEvidence[]) =>
        bed.publishAll(bed.catalog.evidence, records, EvidenceFolder.keyOf);
      await evidence([...p0.checkpoint(Date.now()), ...p1.checkpoint(Date.now())]);
      await bed.publish(bed.catalog.decisions, 'weather-c1', {
        ...exampleEvents.DecisionReport,
        rolloutId: 'weather-c1',
        model: 'weather',
        action: 'HOLD',
        reason: 'need 100 labelled samples per arm, have 12 <stable>',
        evidence: [
          ...exampleEvents.DecisionReport.evidence,
          { ...exampleEvents.DecisionReport.evidence[0]!, segment: 'spring', outcome: 'FAIL' },
        ],
        at: Date.now(),
      });
      type Detail = {
        rollout: RolloutSummary;
        decisions: unknown[];
        metrics: unknown[];
        evidence: EvidenceJson;
      };
      const canaryOf = (d: Detail) => d.rollout.arms.find((a) => a.role === 'canary');
      const detail = await waitFor(
        async () => {
          const { body } = await json<Detail>('/api/rollouts/weather-c1');
          const labelled = canaryOf(body)?.labelled;
          return body.decisions.length === 1 && labelled === SPLIT_TRAFFIC.sum.labelled
            ? body
            : undefined;
        },
        { timeoutMs: 30_000, description: 'the decision and both partitions’ evidence' },
      );
      // The exact sum of both partitions, not one instance's share.
      const canary = canaryOf(detail)!;
      expect(canary).toMatchObject({
        ...SPLIT_TRAFFIC.sum,
        variant: 'weather-tree-v3',
        served: true,
        // The label maturity window is still open: nothing expired, the rest awaits its label.
        pending: 100,
        expired: 0,
        labelCoverage: null,
      });
      expect(canary.accuracyLower!).toBeLessThan(0.85);
      expect(canary.accuracyUpper!).toBeGreaterThan(0.85);
      expect(canary.latencyP95).toBeCloseTo(30, 0);
      expect(detail.rollout.arms.find((a) => a.role === 'stable')).toMatchObject({
        variant: 'weather-logreg-v1',
        labelled: 700,
        accuracy: 0.8,
      });
      expect(detail.metrics).toEqual([]);
      expect(detail.evidence).toMatchObject({ partitions: 2 });
      expect(Object.keys(detail.evidence.watermarks)).toEqual(['0', '1']);
      expect(detail.rollout.evidenceWatermark).toBe(detail.evidence.low);
      const slots = detail.evidence.arms.find((a) => a.role === 'canary')!.slots;
      expect(slots.reduce((n, s) => n + s.labelled, 0)).toBe(SPLIT_TRAFFIC.sum.labelled);
      // Every evaluation carried the example's log-loss, segment and outcome.
      expect(slots.reduce((n, s) => n + (s.means['logLoss']?.n ?? 0), 0)).toBe(
        SPLIT_TRAFFIC.sum.labelled,
      );
      expect(canary.logLoss).toBeCloseTo(exampleEvents.Evaluation.logLoss!, 12);
      expect(canary.outcomes).toEqual({ umbrellasSold: 3 });
      expect(canary.segments).toMatchObject([
        { segment: 'spring', labelled: SPLIT_TRAFFIC.sum.labelled, correct: 255 },
      ]);

      // Partition 1 moves to another instance (a rebalance), which goes on from its records
      // and republishes them: the console counts the partition once, at its latest.
      const moved = new EvidenceSource(1, 2, terms);
      moved.restore(p1.published);
      await evidence(
        moved
          .fold({ ...canaryArm, at, routed: 20, labelled: 20, correct: 20, latencyMs: 30 })
          .checkpoint(Date.now()),
      );
      await waitFor(
        async () => {
          const { body } = await json<Detail>('/api/rollouts/weather-c1');
          return canaryOf(body)?.labelled === 320;
        },
        { timeoutMs: 30_000, description: 'the moved partition’s evidence' },
      );
      const after = canaryOf((await json<Detail>('/api/rollouts/weather-c1')).body)!;
      expect(after).toMatchObject({ routed: 420, labelled: 320, correct: 275 });

      const page = await fetch(`${bed.console.url}/rollouts/weather-c1`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<span class="phase p-CANARY" id="phase">CANARY</span>');
      expect(html).toContain('need 100 labelled samples per arm, have 12 &lt;stable&gt;');
      expect(html).toContain('Accuracy per arm (band: always-valid 95 % interval)');
      expect(html).toContain('seconds since start (event time)');
      expect(html).toMatch(
        /<tr class="arm-canary"><td>canary<\/td><td><code>weather-tree-v3<\/code><\/td><td>420<\/td><td>320<\/td>/,
      );
      expect(html).toContain('id="evidence"');
      expect(html).toMatch(
        /<tr class="arm-canary"><td>canary<\/td><td><code>weather-tree-v3<\/code><\/td><td>0\.0943<\/td><td>0\.0126<\/td><td>3<\/td><\/tr>/,
      );
      expect(html).toMatch(/<h2>Segments<\/h2>\n<table class="segments">.*<code>spring<\/code>/);
      expect(html).toContain('accuracy <span class="segment">[spring]</span>');
      expect(html).toContain('data-verb="rollback"');
      expect(html).toContain('new EventSource');
      const fragment = await (
        await fetch(`${bed.console.url}/rollouts/weather-c1?fragment=1`)
      ).text();
      expect(fragment).not.toContain('<html');
      expect(fragment).toContain('id="phase"');
      const list = await (await fetch(`${bed.console.url}/`)).text();
      expect(list).toContain('href="/rollouts/weather-c1"');
      const redirect = await fetch(`${bed.console.url}/models/weather`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('/rollouts/weather-c1');

      // Operator actions need the token.
      const rollback = (
        headers: Record<string, string>,
        body: unknown = { rolloutId: 'weather-c1' },
      ) =>
        json<ActionResult>('/api/models/weather/rollback', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      expect((await rollback({})).status).toBe(401);
      expect((await rollback({ authorization: 'Bearer not-the-console-token' })).status).toBe(403);
      const auth = { authorization: `Bearer ${CONSOLE_TOKEN}` };
      const stale = await rollback(auth, { rolloutId: 'weather-c0' });
      expect(stale).toMatchObject({ status: 409, body: { outcome: 'STALE_PAGE' } });
      expect(bed.router.rollout('weather')?.phase).toBe('CANARY');

      const applied = await rollback(auth);
      expect(applied).toMatchObject({ status: 200, body: { outcome: 'APPLIED' } });
      expect(bed.router.rollout('weather')?.phase).toBe('ROLLED_BACK');
      expect(bed.router.rollout('weather')?.lastCommand).toMatchObject({
        action: 'ROLLBACK',
        issuedBy: 'OPERATOR',
        outcome: 'APPLIED',
      });
      // The router refuses anything on a finished rollout; the console reports why.
      const again = await json<ActionResult>('/api/models/weather/promote', {
        method: 'POST',
        headers: auth,
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ outcome: 'REJECTED' });
      expect(again.body.message).toMatch(/^rejected: \S+/);
      expect((await json('/api/models/nope/pause', { method: 'POST', headers: auth })).status).toBe(
        404,
      );

      const metrics = await (await fetch(`${bed.console.url}/metrics`)).text();
      expect(metrics).toMatch(
        /kanary_console_actions_total\{verb="rollback",outcome="APPLIED",service="console"\} 1/,
      );
      expect(metrics).toMatch(/kanary_console_live_clients\{service="console"\} 1/);
      expect((await fetch(`${bed.console.url}/readyz`)).status).toBe(200);
    } finally {
      await events.close();
    }
  }, 120_000);

  it('shows an A/B/n rollout per candidate with the decision about it, and promotes or rolls back one candidate', async () => {
    const candidates = ['abn-a', 'abn-b', 'abn-c'];
    await bed.startRollout('abn', 'abn-v1', 'abn-a', 'abn-c1', { canary: null, candidates });
    await bed.publish(bed.catalog.decisions, 'abn-c1', {
      ...exampleEvents.DecisionReport,
      rolloutId: 'abn-c1',
      model: 'abn',
      candidate: 'abn-b',
      action: 'HOLD',
      stepIndex: 0,
      reason: 'abn-b needs more labels',
      at: Date.now(),
    });
    type Detail = { rollout: RolloutSummary };
    const detail = await waitFor(
      async () => {
        const { body } = await json<Detail>('/api/rollouts/abn-c1');
        return body.rollout?.candidates[1]?.lastDecision !== null ? body : undefined;
      },
      { timeoutMs: 30_000, description: 'the A/B/n rollout and the decision about abn-b' },
    );
    expect(detail.rollout).toMatchObject({
      stable: 'abn-v1',
      actions: ['pause', 'rollback', 'approve'],
    });
    expect(
      detail.rollout.candidates.map((c) => [c.variant, c.status, c.weight, c.stepIndex, c.actions]),
    ).toEqual(candidates.map((v) => [v, 'LIVE', 0.1, 0, ['promote', 'rollback']]));
    expect(detail.rollout.candidates[1]!.lastDecision).toMatchObject({
      candidate: 'abn-b',
      reason: 'abn-b needs more labels',
    });
    expect(detail.rollout.candidates[0]!.lastDecision).toBeNull();

    const html = await (await fetch(`${bed.console.url}/rollouts/abn-c1`)).text();
    expect(html).toContain('<h2>Candidates (3) against the stable <code>abn-v1</code></h2>');
    expect(html).toContain('data-verb="promote" data-canary="abn-c">promote abn-c</button>');
    expect(html).toContain('<b>HOLD</b> at step 1 — abn-b needs more labels');

    const auth = { authorization: `Bearer ${CONSOLE_TOKEN}`, 'content-type': 'application/json' };
    const act = (verb: string, body: object) =>
      json<ActionResult>(`/api/models/abn/${verb}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ rolloutId: 'abn-c1', ...body }),
      });
    const unnamed = await act('promote', {});
    expect(unnamed).toEqual({
      status: 400,
      body: {
        status: 400,
        outcome: 'BAD_CANDIDATE',
        message:
          'rollout "abn-c1" has candidates abn-a (LIVE), abn-b (LIVE), abn-c (LIVE): PROMOTE must name one',
      },
    });
    const seq = bed.router.rollout('abn')!.seq;
    expect((await act('rollback', { canary: 'abn-z' })).body.outcome).toBe('BAD_CANDIDATE');
    expect(bed.router.rollout('abn')!.seq).toBe(seq);

    const rollback = await act('rollback', { canary: 'abn-b' });
    expect(rollback).toMatchObject({ status: 200, body: { outcome: 'APPLIED' } });
    const statusOf = () => bed.router.rollout('abn')!.candidates.map((c) => [c.variant, c.status]);
    expect(statusOf()).toEqual([
      ['abn-a', 'LIVE'],
      ['abn-b', 'ROLLED_BACK'],
      ['abn-c', 'LIVE'],
    ]);
    const promote = await act('promote', { canary: 'abn-c' });
    expect(promote).toMatchObject({ status: 200, body: { outcome: 'APPLIED' } });
    expect(bed.router.rollout('abn')).toMatchObject({ phase: 'PROMOTED', stable: 'abn-c' });
    expect(statusOf()).toEqual([
      ['abn-a', 'ENDED'],
      ['abn-b', 'ROLLED_BACK'],
      ['abn-c', 'PROMOTED'],
    ]);
  }, 120_000);
});
