/**
 * Recordings with class probabilities, segments and outcomes: the evaluations the replay's join
 * produces carry log-loss, Brier score, segment and outcomes, and the evidence the engine judges
 * carries their moments — the same folding the evaluator runs.
 */
import type { ArmEvidence, Evaluation } from '@kanary/contracts';
import { EvidenceBook, EvidenceFolder } from '@kanary/evidence';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatReplay } from './format-replay.js';
import { replayLines } from './replay-lines.js';

const T0 = 1_767_225_600_000;
const SECOND = 1_000;

interface Request {
  readonly id: string;
  readonly variant: 'v1' | 'v2';
  readonly output: string | number;
  readonly label: string | number;
  readonly scores?: Record<string, number>;
  readonly segment?: string;
  readonly outcomes?: Record<string, number>;
}

/** One prediction and its label 1 s later per request, a second apart; v1 stable, v2 canary. */
function recording(requests: readonly Request[]): string[] {
  return requests.flatMap((r, i) => {
    const at = T0 + i * SECOND;
    const { id: requestId, variant, output, label, scores, segment, outcomes } = r;
    return [
      JSON.stringify({
        kind: 'prediction',
        requestId,
        model: 'm',
        variant,
        role: variant === 'v1' ? 'stable' : 'canary',
        output,
        latencyMs: 5,
        status: 'ok',
        timestamp: at,
        ...(scores === undefined ? {} : { scores }),
        ...(segment === undefined ? {} : { segment }),
      }),
      JSON.stringify({
        kind: 'label',
        requestId,
        model: 'm',
        label,
        timestamp: at + SECOND,
        ...(outcomes === undefined ? {} : { outcomes }),
      }),
    ];
  });
}

/** Replays `lines`, returning what the engine folded and the evidence records it judged. */
async function replayed(lines: readonly string[]) {
  const folded = vi.spyOn(EvidenceFolder.prototype, 'onEvaluation');
  const applied = vi.spyOn(EvidenceBook.prototype, 'apply');
  const result = await replayLines(lines, { policy: { labelMaturityMs: 10 * SECOND } });
  const evaluations = new Map(
    folded.mock.calls.map(([e]: [Evaluation]) => [`${e.requestId}/${e.variant}`, e]),
  );
  const evidence = applied.mock.calls
    .map(([record]: [ArmEvidence]) => record)
    .filter((record) => record.rolloutId !== '');
  return { result, evaluations, evidence };
}

/** The latest evidence record of each bucket of `variant`. */
function latestOf(evidence: readonly ArmEvidence[], variant: string): ArmEvidence[] {
  const latest = new Map<number, ArmEvidence>();
  for (const record of evidence) {
    if (record.variant === variant) latest.set(record.bucketStart, record);
  }
  return [...latest.values()];
}

const WARM_UP: Request[] = [
  { id: 'w1', variant: 'v1', output: 'deny', label: 'deny' },
  { id: 'w2', variant: 'v2', output: 'deny', label: 'deny' },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replay of a recording with scores, segments and outcomes', () => {
  it('gives evaluations with log-loss and Brier score, and evidence with their moments', async () => {
    const { result, evaluations, evidence } = await replayed(
      recording([
        ...WARM_UP,
        {
          id: 'r1',
          variant: 'v1',
          output: 'deny',
          label: 'deny',
          scores: { deny: 0.8, allow: 0.2 },
        },
        {
          id: 'r2',
          variant: 'v2',
          output: 'allow',
          label: 'deny',
          scores: { deny: 0.4, allow: 0.6 },
        },
        { id: 'r3', variant: 'v2', output: 'deny', label: 'fraud', scores: { deny: 1, allow: 0 } },
      ]),
    );
    expect(result.input).toMatchObject({ invalid: 0, predictions: 5, labels: 5 });
    // −ln 0.8, (1 − 0.8)² + 0.2²; −ln 0.4, 0.6² + 0.6²; a label that is no class: −ln 1e-4, 1 + 1.
    expect(evaluations.get('r1/v1')).toMatchObject({ correct: true, segment: null });
    expect(evaluations.get('r1/v1')?.logLoss).toBeCloseTo(0.2231435513142097, 12);
    expect(evaluations.get('r1/v1')?.brier).toBeCloseTo(0.08, 12);
    expect(evaluations.get('r2/v2')?.logLoss).toBeCloseTo(0.916290731874155, 12);
    expect(evaluations.get('r2/v2')?.brier).toBeCloseTo(0.72, 12);
    expect(evaluations.get('r3/v2')).toMatchObject({ logLoss: -Math.log(1e-4), brier: 2 });
    expect(evaluations.get('w1/v1')).toMatchObject({ logLoss: null, brier: null });

    const canary = latestOf(evidence, 'v2').flatMap((r) => r.means);
    const logLoss = canary.filter((m) => m.metric === 'logLoss');
    expect(logLoss.reduce((n, m) => n + m.n, 0)).toBe(2);
    expect(logLoss.reduce((sum, m) => sum + m.sum, 0)).toBeCloseTo(
      0.916290731874155 + 9.210340371976182,
      12,
    );
  });

  it('carries the label’s outcomes into the evaluations and the evidence', async () => {
    const { evaluations, evidence } = await replayed(
      recording([
        ...WARM_UP,
        { id: 'r1', variant: 'v1', output: 'deny', label: 'deny', outcomes: { revenue: 12.5 } },
        { id: 'r2', variant: 'v1', output: 'deny', label: 'allow', outcomes: { revenue: 7.5 } },
        { id: 'r3', variant: 'v2', output: 'allow', label: 'allow', outcomes: { clicks: 2 } },
      ]),
    );
    expect(evaluations.get('r1/v1')?.outcomes).toEqual({ revenue: 12.5 });
    expect(evaluations.get('r3/v2')?.outcomes).toEqual({ clicks: 2 });
    const stable = latestOf(evidence, 'v1').flatMap((r) => r.means);
    expect(stable.filter((m) => m.metric === 'outcome:revenue')).toEqual([
      { metric: 'outcome:revenue', n: 1, sum: 12.5, squares: 156.25 },
      { metric: 'outcome:revenue', n: 1, sum: 7.5, squares: 56.25 },
    ]);
  });

  it('counts each segment of the evaluations in the evidence', async () => {
    const { evaluations, evidence } = await replayed(
      recording([
        ...WARM_UP,
        { id: 'r1', variant: 'v2', output: 'deny', label: 'deny', segment: 'eu' },
        { id: 'r2', variant: 'v2', output: 'deny', label: 'allow', segment: 'eu' },
        { id: 'r3', variant: 'v2', output: 'allow', label: 'allow', segment: 'us' },
      ]),
    );
    expect(evaluations.get('r2/v2')).toMatchObject({ segment: 'eu', correct: false });
    const segments = latestOf(evidence, 'v2').flatMap((r) => r.segments);
    const total = (name: string) =>
      segments
        .filter((s) => s.segment === name)
        .reduce((t, s) => ({ labelled: t.labelled + s.labelled, correct: t.correct + s.correct }), {
          labelled: 0,
          correct: 0,
        });
    expect(total('eu')).toEqual({ labelled: 2, correct: 1 });
    expect(total('us')).toEqual({ labelled: 1, correct: 1 });
  });

  it('gives the absolute error of numeric outputs against numeric labels', async () => {
    const { evaluations } = await replayed(
      recording([
        ...WARM_UP,
        { id: 'r1', variant: 'v1', output: 12.5, label: 10 },
        { id: 'r2', variant: 'v2', output: '9.75', label: '10' },
      ]),
    );
    expect(evaluations.get('r1/v1')).toMatchObject({ absError: 2.5, logLoss: null });
    expect(evaluations.get('r2/v2')).toMatchObject({ absError: 0.25, logLoss: null });
  });

  it('reports a line whose probabilities do not sum to 1 by its number, and goes on', async () => {
    const lines = recording([
      ...WARM_UP,
      { id: 'r1', variant: 'v1', output: 'deny', label: 'deny', scores: { deny: 0.5, allow: 0.3 } },
    ]);
    const { result, evaluations } = await replayed(lines);
    expect(result.input.invalid).toBe(1);
    expect(result.input.issues).toEqual([
      { line: 5, message: 'scores: must sum to 1 (± 0.01), not 0.8' },
    ]);
    expect(evaluations.has('r1/v1')).toBe(false);
    expect(evaluations.has('w2/v2')).toBe(true);
  });

  it('rolls back a canary better overall but worse on one segment, naming it, with a row per segment', async () => {
    // 4,000 requests alternating stable / canary; 30 % in the south. Correctness is a fixed
    // spread over 100 request numbers: stable 85 % everywhere, canary 95 % north, 65 % south
    // (86 % overall).
    const requests: Request[] = Array.from({ length: 4_000 }, (_, i) => {
      const variant = i % 2 === 0 ? 'v1' : 'v2';
      const segment = Math.floor(i / 2) % 10 < 3 ? 'south' : 'north';
      const share = variant === 'v1' ? 85 : segment === 'north' ? 95 : 65;
      const right = (Math.floor(i / 2) * 37) % 100 < share;
      return { id: `q${i}`, variant, output: right ? 'deny' : 'allow', label: 'deny', segment };
    });
    const { result } = await replayed(recording(requests));
    const rollback = result.decisions.find((d) => d.action === 'ROLLBACK');
    expect(rollback?.reason).toMatch(/in segment south/);
    expect(rollback?.evidence['accuracy[south]']?.outcome).toBe('FAIL');
    expect(rollback?.evidence['accuracy[north]']?.outcome).not.toBe('FAIL');
    expect(rollback?.evidence.accuracy?.outcome).not.toBe('FAIL');
    const canary = Object.values(result.summary).find((v) => v.variant === 'v2');
    expect(canary?.segments.map((x) => [x.segment, x.accuracy])).toEqual([
      ['north', expect.closeTo(0.95, 1)],
      ['south', expect.closeTo(0.65, 1)],
    ]);
    expect(formatReplay(result).join('\n')).toMatch(/segments: north 9\d\.\d %.*south 6\d\.\d %/);
  });
});
