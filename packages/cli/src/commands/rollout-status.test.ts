import {
  exampleEvents,
  type Candidate,
  type DecisionReport,
  type MetricEvidence,
  type RolloutState,
} from '@kanary/contracts';
import type { ArmReport } from '@kanary/evidence';
import { describe, expect, it } from 'vitest';
import {
  SEGMENTS_SHOWN,
  armLines,
  candidateLines,
  describe as describeState,
  evidenceLine,
  statusLines,
} from './rollout-status.js';

const arm = (over: Partial<ArmReport> = {}): ArmReport => ({
  variant: 'weather-logreg-v1',
  role: 'STABLE',
  served: true,
  routed: 900,
  labelled: 400,
  correct: 320,
  accuracy: 0.8,
  errors: 4,
  errorRate: 0.01,
  lateLabels: 0,
  numeric: 0,
  meanAbsError: null,
  rootMeanSquaredError: null,
  logLoss: null,
  brier: null,
  outcomes: {},
  segments: [],
  latencyP50: 12,
  latencyP95: 40,
  latencyP99: null,
  ...over,
});

const row = (over: Partial<MetricEvidence> = {}): MetricEvidence => ({
  ...exampleEvents.DecisionReport.evidence[0]!,
  ...over,
});

describe('armLines', () => {
  it('keeps a classification arm without scores or segments to its one line', () => {
    expect(armLines(arm())).toEqual([
      '  stable weather-logreg-v1: 900 routed, 400 labelled, accuracy 80.0%, errors 1.0%, p95 40.0 ms',
    ]);
    expect(
      armLines(arm({ role: 'SHADOW', served: false, accuracy: null, latencyP95: null })),
    ).toEqual([
      '  shadow weather-logreg-v1 (shadow copies): 900 routed, 400 labelled, accuracy –, errors 1.0%, p95 –',
    ]);
  });

  it('adds log-loss and Brier, outcome means and the segments by accuracy, most labelled first', () => {
    const lines = armLines(
      arm({
        logLoss: 0.41234,
        brier: 0.1311,
        outcomes: { clicks: 0.3149, revenue: 1_234.56 },
        segments: [
          { segment: 'north', labelled: 1_203, correct: 1_012, accuracy: 0.8412, mae: null },
          { segment: 'south', labelled: 380, correct: 270, accuracy: 0.71, mae: null },
        ],
      }),
    );
    expect(lines.slice(1)).toEqual([
      '    scores: log-loss 0.412, Brier 0.131',
      '    outcomes: clicks 0.315, revenue 1,235',
      '    segments: north 84.1% (1,203), south 71.0% (380)',
    ]);
  });

  it('gives a numeric arm its MAE and RMSE, and its segments by MAE', () => {
    const lines = armLines(
      arm({
        numeric: 400,
        meanAbsError: 1.234,
        rootMeanSquaredError: 1.71,
        segments: [
          { segment: 'north', labelled: 300, correct: 180, accuracy: 0.6, mae: 1.1 },
          { segment: 'south', labelled: 100, correct: 50, accuracy: 0.5, mae: 1.52 },
        ],
      }),
    );
    expect(lines).toEqual([
      '  stable weather-logreg-v1: 900 routed, 400 labelled, accuracy 80.0%, MAE 1.23, RMSE 1.71, errors 1.0%, p95 40.0 ms',
      '    segments: north MAE 1.1 (300), south MAE 1.52 (100)',
    ]);
  });

  it(`names ${SEGMENTS_SHOWN} segments at most and counts the rest`, () => {
    const segments = Array.from({ length: SEGMENTS_SHOWN + 3 }, (_, i) => ({
      segment: `s${i}`,
      labelled: 100 - i,
      correct: 50,
      accuracy: 0.5,
      mae: null,
    }));
    const [, line] = armLines(arm({ segments }));
    expect(line).toMatch(/^ {4}segments: s0 50\.0% \(100\), s1 50\.0% \(99\), .*, and 3 more$/);
    expect(line).toContain(`s${SEGMENTS_SHOWN - 1} `);
    expect(line).not.toContain(`s${SEGMENTS_SHOWN} `);
  });
});

describe('evidenceLine', () => {
  it.each([
    {
      name: 'a whole-arm row',
      row: row(),
      line: '    accuracy PASS: stable 0.8 (n 9,000), canary 0.85 (n 1,000), Δ +0.05 [-0.004, 0.101] — lower bound -0.004 > -0.02 non-inferiority margin',
    },
    {
      name: 'a segment row',
      row: row({ segment: 'north', outcome: 'FAIL', difference: -0.08, detail: '' }),
      line: '    accuracy[north] FAIL: stable 0.8 (n 9,000), canary 0.85 (n 1,000), Δ -0.08 [-0.004, 0.101]',
    },
    {
      name: 'a mean metric without an interval yet',
      row: row({
        metric: 'outcome:revenue',
        outcome: 'INCONCLUSIVE',
        estimateStable: 12.5,
        estimateCanary: null,
        nCanary: 0,
        difference: null,
        lower: null,
        upper: null,
        detail: 'not enough samples',
      }),
      line: '    outcome:revenue INCONCLUSIVE: stable 12.5 (n 9,000), canary n 0 — not enough samples',
    },
    {
      name: 'a row without numbers',
      row: row({
        metric: 'srm',
        outcome: 'NOT_APPLICABLE',
        nStable: 0,
        nCanary: 0,
        estimateStable: null,
        estimateCanary: null,
        difference: null,
        detail: 'shadow mode',
      }),
      line: '    srm NOT_APPLICABLE — shadow mode',
    },
  ])('reads $name', ({ row: e, line }) => {
    expect(evidenceLine(e)).toBe(line);
  });
});

describe('statusLines', () => {
  it('lists per model its state, arms, last command, approval and latest decision with its evidence rows', () => {
    const state = exampleEvents.RolloutState;
    const decision = {
      ...exampleEvents.DecisionReport,
      rolloutId: state.rolloutId,
      action: 'HOLD' as const,
      approvedBy: null,
      evidence: [row(), row({ segment: 'north', outcome: 'INCONCLUSIVE', detail: '' })],
    };
    const lines = statusLines({
      states: [state],
      decisions: new Map([[state.rolloutId, decision]]),
      candidateDecisions: new Map(),
      arms: (rolloutId) => (rolloutId === state.rolloutId ? [arm({ logLoss: 0.5 })] : []),
    });
    expect(lines[0]).toBe(
      'weather: CANARY (rollout ro-1, stable weather-logreg-v1, canary weather-tree-v2 at 5%, step 1, seq 2)',
    );
    expect(lines.slice(1, 3)).toEqual([
      '  stable weather-logreg-v1: 900 routed, 400 labelled, accuracy 80.0%, errors 1.0%, p95 40.0 ms',
      '    scores: log-loss 0.5',
    ]);
    expect(lines.at(-3)).toMatch(/^ {2}last decision: HOLD at step \d+ — /);
    expect(lines.at(-2)).toMatch(/^ {4}accuracy PASS: /);
    expect(lines.at(-1)).toMatch(/^ {4}accuracy\[north\] INCONCLUSIVE: stable 0\.8 \(n 9,000\)/);
    expect(
      statusLines(
        { states: [state], decisions: new Map(), candidateDecisions: new Map(), arms: () => [] },
        'other',
      ),
    ).toEqual([]);
  });
});

describe('statusLines of an A/B/n rollout', () => {
  const candidate = (variant: string, over: Partial<Candidate> = {}): Candidate => ({
    variant,
    status: 'LIVE',
    weight: 0.05,
    stepIndex: 1,
    stepStartedAt: 1_700_000_000_000,
    changedAt: 1_700_000_000_000,
    ...over,
  });
  const state: RolloutState = {
    ...exampleEvents.RolloutState,
    canary: null,
    canaryWeight: 0.3,
    approval: null,
    lastCommand: null,
    candidates: [
      candidate('tree-v2', { weight: 0.25, stepIndex: 2 }),
      candidate('gbm-v3', { weight: 0.05 }),
      candidate('mlp-v4', { status: 'ROLLED_BACK', weight: 0 }),
    ],
  };
  const decisionAbout = (variant: string, over: Partial<DecisionReport>): DecisionReport => ({
    ...exampleEvents.DecisionReport,
    rolloutId: state.rolloutId,
    approvedBy: null,
    awaitingApproval: null,
    candidate: variant,
    ...over,
  });
  const source = {
    states: [state],
    decisions: new Map<string, DecisionReport>(),
    candidateDecisions: new Map([
      [
        `${state.rolloutId}/tree-v2`,
        decisionAbout('tree-v2', {
          action: 'HOLD',
          stepIndex: 2,
          awaitingApproval: 'PROMOTE',
          reason: 'ready to promote',
          evidence: [row()],
        }),
      ],
      [
        `${state.rolloutId}/mlp-v4`,
        decisionAbout('mlp-v4', {
          action: 'ROLLBACK',
          stepIndex: 1,
          reason: 'accuracy worse',
          evidence: [row({ outcome: 'FAIL', difference: -0.06, detail: '' })],
        }),
      ],
    ]),
    arms: () => [
      arm(),
      arm({ variant: 'tree-v2', role: 'CANARY', accuracy: 0.853 }),
      arm({ variant: 'gbm-v3', role: 'CANARY', accuracy: 0.8 }),
      arm({ variant: 'mlp-v4', role: 'CANARY', accuracy: 0.741 }),
    ],
  };

  it('names every candidate in the state line, with its weight or how it ended', () => {
    expect(describeState(state)).toBe(
      'CANARY (rollout ro-1, stable weather-logreg-v1, candidates tree-v2 at 25%, gbm-v3 at 5%, mlp-v4 ROLLED_BACK, step 1, seq 2)',
    );
  });

  it('gives each candidate its status, weight, step, accuracy against the stable and the decision about it', () => {
    const lines = statusLines(source);
    const from = lines.findIndex((l) => l.startsWith('  candidate '));
    expect(lines.slice(from)).toEqual([
      '  candidate tree-v2: LIVE, weight 25%, step 2 — accuracy 85.3% vs stable 80.0% (+5.3 pts)',
      '    AWAITING APPROVAL to PROMOTE tree-v2: kanary rollout approve weather (or the console)',
      '    last decision: HOLD at step 2 — ready to promote',
      '      accuracy PASS: stable 0.8 (n 9,000), canary 0.85 (n 1,000), Δ +0.05 [-0.004, 0.101] — lower bound -0.004 > -0.02 non-inferiority margin',
      '  candidate gbm-v3: LIVE, weight 5%, step 1 — accuracy 80.0% vs stable 80.0% (0.0 pts)',
      '  candidate mlp-v4: ROLLED_BACK, weight 0%, step 1 — accuracy 74.1% vs stable 80.0% (-5.9 pts)',
      '    last decision: ROLLBACK at step 1 — accuracy worse',
      '      accuracy FAIL: stable 0.8 (n 9,000), canary 0.85 (n 1,000), Δ -0.06 [-0.004, 0.101]',
    ]);
    expect(lines.filter((l) => l.startsWith('  canary '))).toHaveLength(3);
  });

  it('shows a candidate without labels yet without a comparison', () => {
    expect(candidateLines(state, candidate('new-v5'), [arm()], undefined)).toEqual([
      '  candidate new-v5: LIVE, weight 5%, step 1',
    ]);
  });
});
