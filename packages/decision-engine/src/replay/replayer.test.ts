/**
 * Replays of seeded recordings (fixed split, canary at 50 % so few lines carry many samples):
 * the decisions the engine reaches on recorded traffic, and the replay's own guarantees —
 * determinism, reordering within the slack, invalid lines counted by line number.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '@kanary/stats';
import { SIMULATION_START } from '../simulation/simulate-rollout.js';
import { formatReplay } from './format-replay.js';
import { replayLines } from './replay-lines.js';
import type { ReplayResult } from './replay-result.js';
import { replayScenarioLines, type ReplayScenario } from './replay-scenario.js';

const MINUTE = 60_000;
const POLICY = { labelMaturityMs: 2 * MINUTE };

/** 20 requests/s, half to the canary, labels within tens of seconds (wrong ones sooner). */
const base = {
  seed: 1,
  requestsPerSecond: 20,
  canaryShare: 0.5,
  stable: { accuracy: 0.85 },
  labels: { correctMeanDelayMs: 20_000, wrongMeanDelayMs: 5_000 },
} satisfies Partial<ReplayScenario>;

const recording = (scenario: Omit<ReplayScenario, keyof typeof base> & Partial<ReplayScenario>) => [
  ...replayScenarioLines({ ...base, ...scenario }),
];
const actions = (result: ReplayResult) => result.decisions.map((d) => `${d.action}@${d.stepIndex}`);
const outcome = (result: ReplayResult, metric: string) =>
  result.decisions.at(-1)?.evidence[metric]?.outcome;

/** Shared by the determinism, reordering and invalid-line tests. */
const worse = recording({ canary: { accuracy: 0.8 }, durationMs: 6 * MINUTE });

describe('replay of seeded recordings', () => {
  it('promotes a canary as good as the stable, never rolling back', async () => {
    const result = await replayLines(
      recording({ canary: { accuracy: 0.85 }, durationMs: 18 * MINUTE }),
      {
        policy: POLICY,
      },
    );
    expect(actions(result)).toEqual(['ADVANCE@0', 'ADVANCE@1', 'ADVANCE@2', 'PROMOTE@3']);
    expect(result.final).toMatchObject({ action: 'PROMOTE', phase: 'PROMOTED', model: 'm' });
    expect(result.input.afterDecision).toBeGreaterThan(0);
  });

  it('approves at once where the policy gates a step, and says so', async () => {
    const lines = recording({ canary: { accuracy: 0.85 }, durationMs: 18 * MINUTE });
    const gated = await replayLines(lines, {
      policy: { ...POLICY, approval: { promote: true, advance: true } },
    });
    expect(actions(gated)).toEqual(['ADVANCE@0', 'ADVANCE@1', 'ADVANCE@2', 'PROMOTE@3']);
    expect(gated.decisions.map((d) => d.approvedBy)).toEqual([
      'replay',
      'replay',
      'replay',
      'replay',
    ]);
    expect(gated.input.approvalsAssumed).toBe(4);
    expect(gated.input.rejectedCommands).toBe(0);
    expect(gated.notes.join(' ')).toMatch(/gave 4 at once/);
    // Each gated step ends one tick after the ungated one would have: the tick that asked.
    const ungated = await replayLines(lines, { policy: POLICY });
    expect(ungated.input.approvalsAssumed).toBe(0);
    expect(gated.decisions.map((d) => d.at)).toEqual(
      ungated.decisions.map((d, i) => d.at + (i + 1) * 5_000),
    );
  });

  it('rolls back a canary 5 points less accurate, with the evidence', async () => {
    const result = await replayLines(worse, { policy: POLICY });
    expect(actions(result)).toEqual(['ROLLBACK@0']);
    expect(result.final).toMatchObject({ action: 'ROLLBACK', phase: 'ROLLED_BACK' });
    const accuracy = result.decisions[0]?.evidence.accuracy;
    expect(accuracy).toMatchObject({ outcome: 'FAIL' });
    expect(accuracy?.upper).toBeLessThan(0);
    expect(result.decisions[0]?.at).toBe(result.final.at);
  });

  it('promotes a clearly better canary, its accuracy proven higher', async () => {
    const result = await replayLines(
      recording({ canary: { accuracy: 0.92 }, durationMs: 12 * MINUTE }),
      {
        policy: POLICY,
      },
    );
    expect(result.final.action).toBe('PROMOTE');
    expect(result.decisions.at(-1)?.evidence.accuracy?.lower).toBeGreaterThan(0);
  });

  it('rolls back a canary with the same median latency but a much slower p95', async () => {
    const result = await replayLines(
      recording({ canary: { accuracy: 0.85, latencySigma: 0.6 }, durationMs: 6 * MINUTE }),
      { policy: POLICY },
    );
    expect(result.final.action).toBe('ROLLBACK');
    expect(outcome(result, 'latencyP95')).toBe('FAIL');
    expect(outcome(result, 'accuracy')).not.toBe('FAIL');
    expect(result.summary.v2?.latencyMs?.p95).toBeGreaterThan(
      1.5 * result.summary.v1!.latencyMs!.p95!,
    );
  });

  it('rolls back a canary with many more errors', async () => {
    const result = await replayLines(
      recording({ canary: { accuracy: 0.85, errorRate: 0.15 }, durationMs: 6 * MINUTE }),
      { policy: POLICY },
    );
    expect(result.final.action).toBe('ROLLBACK');
    expect(outcome(result, 'errorRate')).toBe('FAIL');
    expect(result.summary.v2?.errorRate).toBeGreaterThan(0.1);
  });

  it('summarises each variant and says the split is as recorded', async () => {
    const result = await replayLines(worse, { policy: POLICY });
    expect(Object.keys(result.summary)).toEqual(['v1', 'v2']);
    const canary = result.summary.v2;
    expect(canary).toMatchObject({ model: 'm', role: 'canary', compared: true });
    expect(canary?.n).toBeGreaterThan(500);
    expect(canary?.accuracy?.lower).toBeLessThan(canary!.accuracy!.estimate);
    expect(canary?.accuracy?.upper).toBeGreaterThan(canary!.accuracy!.estimate);
    expect(result.rollouts[0]).toMatchObject({
      rolloutId: 'replay-m',
      stable: 'v1',
      canary: 'v2',
      mode: 'canary',
    });
    expect(result.rollouts[0]?.recordedSplit.canaryShare).toBeCloseTo(0.5, 1);
    expect(result.decisions[0]?.evidence.sampleRatio?.outcome).toBe('NOT_APPLICABLE');
    expect(result.notes[0]).toContain('Traffic split as recorded');
  });

  it('judges a canary that answered shadow copies in shadow mode', async () => {
    const result = await replayLines(
      recording({ shadow: true, canary: { accuracy: 0.75 }, durationMs: 6 * MINUTE }),
      { policy: POLICY },
    );
    expect(result.rollouts[0]?.mode).toBe('shadow');
    expect(result.final).toMatchObject({ action: 'ROLLBACK' });
    expect(result.decisions[0]?.phase).toBe('SHADOW');
  });
});

describe('replay of a shadow recording', () => {
  it('advances on label-free agreement, then says the recording has no served canary to judge', async () => {
    const equal = { accuracy: 0.85, errorRate: 0 };
    const lines = recording({
      shadow: true,
      correlation: 0.99,
      stable: equal,
      canary: equal,
      durationMs: 4 * MINUTE,
    });
    const result = await replayLines(lines, { policy: POLICY });
    expect(result.decisions.map((d) => [d.action, d.code, d.phase])).toEqual([
      ['ADVANCE', 'SHADOW_AGREEMENT', 'SHADOW'],
    ]);
    expect(result.final).toMatchObject({ action: 'HOLD', phase: 'CANARY' });
    expect(result.notes.some((n) => n.includes('only as shadow copies'))).toBe(true);
  });
});

describe('label delay: wrong predictions labelled sooner, canary started after the stable', () => {
  const scenario = {
    requestsPerSecond: 10,
    canary: { accuracy: 0.85 },
    labels: { correctMeanDelayMs: 3 * MINUTE, wrongMeanDelayMs: 20_000 },
    canaryStartMs: 15 * MINUTE,
    durationMs: 30 * MINUTE,
  };
  const lines = recording(scenario);

  it('does not roll back an equally good canary', async () => {
    const result = await replayLines(lines, { policy: { labelMaturityMs: 5 * MINUTE } });
    expect(result.decisions.filter((d) => d.action === 'ROLLBACK')).toEqual([]);
    expect(result.decisions[0]?.action).toBe('ADVANCE');
    expect(result.input.beforeRollout).toBeGreaterThan(5_000);
    expect(result.rollouts[0]?.startedAt).toBeGreaterThanOrEqual(
      base.seed && 1_767_225_600_000 + 15 * MINUTE,
    );
  });

  it('where counting labels on arrival with the stable’s history would make the canary look worse', () => {
    // The trap the policy avoids: 3 minutes after the canary started, most of its labels are
    // the fast (wrong) ones, while the stable's include its older, fully labelled history.
    const cutoff = SIMULATION_START + 18 * MINUTE;
    const outputs = new Map<string, { variant: string; output: string | null }>();
    const naive = { v1: { n: 0, right: 0 }, v2: { n: 0, right: 0 } };
    for (const text of lines) {
      const event = JSON.parse(text) as {
        kind: string;
        requestId: string;
        timestamp: number;
        variant: string;
        output: string | null;
        label: string;
      };
      if (event.timestamp > cutoff) break;
      if (event.kind === 'prediction') outputs.set(event.requestId, event);
      const served = outputs.get(event.requestId);
      if (event.kind !== 'label' || served === undefined) continue;
      const arm = naive[served.variant as 'v1' | 'v2'];
      arm.n += 1;
      if (served.output === event.label) arm.right += 1;
    }
    const accuracy = (arm: { n: number; right: number }) => arm.right / arm.n;
    expect(accuracy(naive.v2)).toBeLessThan(accuracy(naive.v1) - 0.05);
  });
});

describe('replay guarantees', () => {
  it('gives identical results for the same input', async () => {
    const [a, b] = await Promise.all([
      replayLines(worse, { policy: POLICY }),
      replayLines(worse, { policy: POLICY }),
    ]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('gives the same result when lines are out of order within the slack', async () => {
    const rng = createRng(3);
    // Every line moved by up to 30 s of data time (the slack is 60 s).
    const shuffled = worse
      .map((text) => ({
        text,
        key: (JSON.parse(text) as { timestamp: number }).timestamp + 30_000 * rng.next(),
      }))
      .sort((x, y) => x.key - y.key)
      .map((x) => x.text);
    expect(shuffled).not.toEqual(worse);
    const [sorted, unsorted] = await Promise.all([
      replayLines(worse, { policy: POLICY }),
      replayLines(shuffled, { policy: POLICY }),
    ]);
    expect(unsorted.input.outOfOrder).toBe(0);
    expect(JSON.stringify(unsorted)).toBe(JSON.stringify(sorted));
  });

  it('applies lines later than the slack at the current clock, and counts them', async () => {
    const late = [...worse.slice(0, 2_000), worse[0]!, ...worse.slice(2_000)];
    const result = await replayLines(late, { policy: POLICY, reorderSlackMs: 10_000 });
    expect(result.input.outOfOrder).toBe(1);
    expect(result.input.duplicates).toBe(1);
    expect(result.notes.some((n) => n.includes('applied at the current clock'))).toBe(true);
  });

  it('counts invalid lines with their line numbers and goes on', async () => {
    const lines = [
      '{"kind":"prediction"',
      '',
      ...worse.slice(0, 100),
      '{"kind":"label","requestId":"x","model":"m","label":"a","timestamp":12}',
      ...worse.slice(100),
    ];
    const result = await replayLines(lines, { policy: POLICY });
    expect(result.input).toMatchObject({ lines: worse.length + 3, blank: 1, invalid: 2 });
    expect(result.input.issues.map((i) => i.line)).toEqual([1, 103]);
    expect(result.input.issues[1]?.message).toContain('timestamp');
    expect(result.final.action).toBe('ROLLBACK');
  });

  it('judges each model of a file on its own; the final outcome is the worst', async () => {
    const other = recording({ model: 'n', canary: { accuracy: 0.85 }, durationMs: 2 * MINUTE });
    const time = (text: string) => (JSON.parse(text) as { timestamp: number }).timestamp;
    const merged = [...worse, ...other].sort((a, b) => time(a) - time(b));
    const result = await replayLines(merged, { policy: POLICY });
    expect(result.rollouts.map((r) => [r.model, r.rolloutId, r.final.action])).toEqual([
      ['m', 'replay-m', 'ROLLBACK'],
      ['n', 'replay-n', 'HOLD'],
    ]);
    expect(Object.keys(result.summary)).toEqual(['m/v1', 'm/v2', 'n/v1', 'n/v2']);
    expect(result.final).toMatchObject({ model: 'm', action: 'ROLLBACK' });
  });

  it('jumps the clock over a long gap in the data once the step timeout has passed', async () => {
    const lines = worse.slice(0, 200);
    const last = JSON.parse(lines.at(-1)!) as { timestamp: number };
    const month = 30 * 24 * 60 * MINUTE;
    lines.push(JSON.stringify({ ...last, requestId: 'late', timestamp: last.timestamp + month }));
    const result = await replayLines(lines, {
      policy: { ...POLICY, maxStepDurationMs: 10 * MINUTE },
    });
    expect(result.input.clockJumps).toBe(1);
    // Ticked through the step timeout (the rollout paused after 10 min), then jumped.
    expect(result.final).toMatchObject({ action: 'PAUSE', phase: 'PAUSED' });
    expect(result.final.at - last.timestamp).toBeLessThan(11 * MINUTE);
    expect(result.notes.some((n) => n.includes('jumped'))).toBe(true);
  });

  it.each([{ intervalMs: 0 }, { reorderSlackMs: -1 }, { maxReorderEvents: 0 }])(
    'refuses %j, naming the option',
    async (options) => {
      const [name] = Object.keys(options);
      await expect(replayLines([], options)).rejects.toThrow(new RegExp(`^${name} must be`));
    },
  );

  it('judges nothing when the data shows no canary, and says so', async () => {
    const stableOnly = worse.filter((text) => !text.includes('"v2"'));
    const result = await replayLines(stableOnly.slice(0, 500));
    expect(result.decisions).toEqual([]);
    expect(result.final).toMatchObject({ action: 'HOLD', model: 'm', phase: null });
    expect(result.final.reason).toContain('no canary or shadow variant');
  });
});

describe('replay of an A/B/n recording (three canary variants)', () => {
  /** 25 % of requests to each candidate: one 7 points worse, one equal, one 7 points better. */
  const candidates = recording({
    seed: 3,
    requestsPerSecond: 40,
    canaryShare: 0.25,
    durationMs: 30 * MINUTE,
    canary: { accuracy: 0.85 },
    candidates: [
      { variant: 'v2', model: { accuracy: 0.78 } },
      { variant: 'v3', model: { accuracy: 0.85 } },
      { variant: 'v4', model: { accuracy: 0.92 } },
    ],
  });

  it('rolls back the worse candidate alone and promotes the better one over the equal one', async () => {
    const result = await replayLines(candidates, { policy: POLICY });
    expect(result.decisions.map((d) => `${d.action} ${d.candidate}@${d.stepIndex}`)).toEqual([
      'ROLLBACK v2@0',
      'ADVANCE v4@0',
      'ADVANCE v4@1',
      'ADVANCE v3@0',
      'ADVANCE v3@1',
      'PROMOTE v4@2',
    ]);
    expect(result.final).toMatchObject({ action: 'PROMOTE', candidate: 'v4', phase: 'PROMOTED' });
    const [rollout] = result.rollouts;
    expect(rollout).toMatchObject({ stable: 'v1', canary: null, mode: 'canary' });
    expect(
      rollout?.candidates?.map((c) => [c.variant, c.status, c.decision?.action, c.decision?.code]),
    ).toEqual([
      ['v2', 'ROLLED_BACK', 'ROLLBACK', 'GUARDRAIL_FAILED'],
      ['v3', 'ENDED', 'ADVANCE', 'ALL_PASSED'],
      ['v4', 'PROMOTED', 'PROMOTE', 'ALL_PASSED'],
    ]);
    for (const c of rollout?.candidates ?? []) expect(c.recorded.share).toBeCloseTo(0.25, 1);
    // Every candidate's arm is summarised, compared with the stable; the one rolled back stops
    // counting when it left (live, its traffic returned to the stable).
    expect(Object.keys(result.summary)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(Object.values(result.summary).map((v) => [v.role, v.compared])).toEqual([
      ['stable', true],
      ['canary', true],
      ['canary', true],
      ['canary', true],
    ]);
    expect(result.summary.v2!.n).toBeLessThan(result.summary.v3!.n / 3);
    expect(
      result.decisions.every((d) => d.evidence.sampleRatio?.outcome === 'NOT_APPLICABLE'),
    ).toBe(true);
    expect(result.notes.join(' ')).toMatch(/3 candidates judged against the one stable v1/);
    const printed = formatReplay(result).join('\n');
    expect(printed).toContain('stable v1, candidates v2, v3, v4 (A/B/n, canary mode)');
    expect(printed).toMatch(/ v2 {2}ROLLBACK at step 0/);
    expect(printed).toMatch(/v4 {2}PROMOTED .*PROMOTE at .*ALL_PASSED/);
    expect(printed).toMatch(/Final: PROMOTE v4 at/);
  });

  it('starts the rollout with the candidates in the order they first answered, at a weight within their slice', async () => {
    const result = await replayLines(candidates, { policy: { ...POLICY, steps: [0.5, 1] } });
    const first = result.decisions[0];
    expect(first).toMatchObject({ candidate: 'v2', canaryWeight: 0.25 });
    expect(result.rollouts[0]?.candidates?.map((c) => c.variant)).toEqual(['v2', 'v3', 'v4']);
  });
});
