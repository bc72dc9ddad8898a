import { readFile } from 'node:fs/promises';
import { EventCodec, topicCatalog, type RolloutState } from '@kanary/contracts';
import { DEMO_SCENARIOS, outcomeLine, runDemo } from '@kanary/cli';
import {
  collectMessages,
  connectedAdmin,
  disconnectTestClients,
  testInfra,
  uniqueTopic,
} from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';

afterAll(() => disconnectTestClients());

describe('the demo, end to end on the broker', () => {
  it('promotes the better canary, rolls back the worse one and the one worse in winter, applied by the router, and writes the report', async () => {
    const infra = testInfra();
    const prefix = uniqueTopic('e2e');
    const lines: string[] = [];
    const out = { line: (t: string) => lines.push(t), error: (t: string) => lines.push(t) };
    const progress: string[] = [];
    const result = await runDemo(
      { brokers: infra.brokers.join(','), registry: infra.registryUrl, prefix, partitions: '2' },
      {
        rate: 200,
        labelDelayMs: 1_000,
        unlabelled: 0.05,
        timeoutMs: 210_000,
        policy: null,
        keepTopics: true,
        seed: 7,
      },
      out,
      { isTTY: false, write: (t: string) => progress.push(t) },
    );

    expect(result.scenarios.map((s) => [s.model, s.outcome])).toEqual(
      DEMO_SCENARIOS.map((s) => [s.model, s.expected]),
    );
    expect(result.ok).toBe(true);

    // What the router published, read back from the compacted state topic on its own.
    const catalog = topicCatalog({ prefix, dataPartitions: 2 });
    const codec = new EventCodec({ url: infra.registryUrl });
    const states = await collectMessages<RolloutState>(catalog.state.name, {
      map: (r) => codec.decode(catalog.state, r.value),
    });
    try {
      const latest = new Map<string, RolloutState>();
      await states.waitFor((all) => {
        for (const s of all) latest.set(s.model, s);
        return DEMO_SCENARIOS.every((d) =>
          ['PROMOTED', 'ROLLED_BACK'].includes(latest.get(d.model)?.phase ?? ''),
        );
      }, 30_000);
      const better = latest.get('weather-better')!;
      expect(better).toMatchObject({
        phase: 'PROMOTED',
        stable: 'weather-tree-v3',
        lastCommand: { action: 'PROMOTE', issuedBy: 'DECISION', outcome: 'APPLIED' },
      });
      const worse = latest.get('weather-worse')!;
      expect(worse).toMatchObject({
        phase: 'ROLLED_BACK',
        stable: 'weather-logreg-v1',
        canaryWeight: 0,
        lastCommand: { action: 'ROLLBACK', issuedBy: 'DECISION', outcome: 'APPLIED' },
      });
      expect(latest.get('weather-segments')).toMatchObject({
        phase: 'ROLLED_BACK',
        stable: 'weather-logreg-v1',
        canaryWeight: 0,
        lastCommand: { action: 'ROLLBACK', issuedBy: 'DECISION', outcome: 'APPLIED' },
      });
    } finally {
      await states.stop();
      const admin = await connectedAdmin();
      await admin.deleteTopics({ topics: Object.values(catalog).map((t) => t.name) });
    }

    // Each scenario's decision log carries evidence; the better canary went through every step.
    const better = result.scenarios.find((s) => s.model === 'weather-better')!;
    const advances = better.decisions.filter((d) => d.action === 'ADVANCE');
    expect(advances.map((d) => d.stepIndex)).toEqual([0, 1]);
    expect(better.decisions.at(-1)?.action).toBe('PROMOTE');
    expect(better.decisions.at(-1)?.evidence.find((e) => e.metric === 'accuracy')?.outcome).toBe(
      'PASS',
    );
    const worse = result.scenarios.find((s) => s.model === 'weather-worse')!;
    expect(worse.decisions.at(-1)).toMatchObject({ action: 'ROLLBACK' });
    // The stump is worse on accuracy and on log-loss (the automatic guardrail of class
    // probabilities); whichever is proven first rolls it back, on the whole arm.
    const worseFailed = worse.decisions
      .at(-1)!
      .evidence.filter((e) => e.outcome === 'FAIL')
      .map((e) => (e.segment === null ? e.metric : `${e.metric} in ${e.segment}`));
    expect([['accuracy'], ['logLoss'], ['accuracy', 'logLoss']]).toContainEqual(worseFailed);

    // The canary worse in winter is rolled back by the segment guard, the reason naming winter;
    // overall it was not proven worse.
    const segments = result.scenarios.find((s) => s.model === 'weather-segments')!;
    const rollback = segments.decisions.at(-1)!;
    expect(rollback.action).toBe('ROLLBACK');
    expect(rollback.reason).toMatch(
      /^Roll back: accuracy: canary [\d.]+ % vs stable [\d.]+ % in segment winter/,
    );
    expect(
      rollback.evidence.filter((e) => e.outcome === 'FAIL').map((e) => [e.metric, e.segment]),
    ).toEqual([['accuracy', 'winter']]);
    expect(
      rollback.evidence
        .filter((e) => e.segment !== null)
        .map((e) => e.segment)
        .sort(),
    ).toEqual(['autumn', 'spring', 'summer', 'winter']);
    expect(segments.segmentFeature).toBe('season');
    expect(outcomeLine(segments)).toMatch(
      /^Canary worse in winter \(weather-segments: weather-logreg-v1 → weather-tree-v4\): ROLLED_BACK after [\d.]+ s, as expected — Roll back: accuracy: .* in segment winter.* \[worse in season winter\]/,
    );

    // The report: self-contained, with the three charts per scenario and the decision logs.
    const html = await readFile(result.reportPath, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<svg/g)?.length).toBe(3 * DEMO_SCENARIOS.length);
    expect(html).toContain('Canary weight (100 % once promoted');
    expect(html).toContain('PROMOTE');
    expect(html).toContain('ROLLBACK');
    // Per-segment accuracy of both arms, for the one scenario with segments, winter marked.
    expect(html.match(/<h3>Accuracy per segment/g)).toHaveLength(1);
    expect(html).toContain('Rolled back on segment <b>winter</b>');
    for (const season of ['autumn', 'spring', 'summer']) {
      expect(html).toMatch(new RegExp(`<tr><th>${season}</th><td>\\d+</td><td>[\\d.]+ %</td>`));
    }
    expect(html).toMatch(
      /<tr class="failed"><th>winter<\/th><td>\d+<\/td><td>[\d.]+ %<\/td><td>\d+<\/td><td>[\d.]+ %<\/td><td>-[\d.]+<\/td><td><span class="o-FAIL">FAIL/,
    );
    // Progress was shown while it ran: phase, weight, arms, decisions.
    expect(progress.join('')).toMatch(
      /Better canary · weather-better: CANARY step 1, canary weight 10\.0%/,
    );
    expect(progress.join('')).toMatch(
      /per segment \(season\), canary vs stable: autumn [\d.]+% vs [\d.]+%.* winter [\d.]+% vs [\d.]+%/,
    );
    expect(lines).toContain('services ready');
  }, 330_000);
});

describe('the demo with --candidates, end to end on the broker', () => {
  it('rolls back the stump alone, promotes one of the trees, applied by the router, and reports every arm', async () => {
    const infra = testInfra();
    const prefix = uniqueTopic('e2e-abn');
    const lines: string[] = [];
    const out = { line: (t: string) => lines.push(t), error: (t: string) => lines.push(t) };
    const result = await runDemo(
      { brokers: infra.brokers.join(','), registry: infra.registryUrl, prefix, partitions: '2' },
      {
        rate: 200,
        labelDelayMs: 1_000,
        unlabelled: 0.05,
        timeoutMs: 240_000,
        policy: null,
        keepTopics: false,
        candidates: true,
        seed: 7,
      },
      out,
      { isTTY: false, write: () => undefined },
    );
    const [scenario] = result.scenarios;
    expect(result.scenarios).toHaveLength(1);
    expect(scenario?.outcome).toBe('PROMOTED');
    expect(result.ok).toBe(true);

    // The router's last state: the stump rolled back, a tree promoted and now the stable.
    const state = result.finalStates.get('weather-candidates')!;
    const status = Object.fromEntries(state.candidates.map((c) => [c.variant, c.status]));
    expect(status['weather-stump-v0']).toBe('ROLLED_BACK');
    const winner = state.stable;
    expect(['weather-tree-v2', 'weather-tree-v3']).toContain(winner);
    expect(status[winner]).toBe('PROMOTED');
    expect(state.lastCommand).toMatchObject({
      action: 'PROMOTE',
      issuedBy: 'DECISION',
      outcome: 'APPLIED',
    });

    // The stump went alone, first, while the trees continued; the promotion names the loser.
    const acted = scenario!.decisions.filter((d) => d.action !== 'HOLD');
    expect(acted[0]).toMatchObject({ action: 'ROLLBACK', candidate: 'weather-stump-v0' });
    expect(acted.at(-1)).toMatchObject({ action: 'PROMOTE', candidate: winner });
    const loser = winner === 'weather-tree-v2' ? 'weather-tree-v3' : 'weather-tree-v2';
    expect(acted.at(-1)?.reason).toContain(`chosen over ${loser} (`);
    expect(acted.filter((d) => d.action === 'ADVANCE').map((d) => d.candidate)).toEqual(
      expect.arrayContaining(['weather-tree-v2', 'weather-tree-v3']),
    );

    const html = await readFile(result.reportPath, 'utf8');
    expect(html).toContain('<h3>Arms</h3>');
    for (const variant of ['weather-logreg-v1', 'weather-stump-v0', 'weather-tree-v2']) {
      expect(html).toContain(`<code>${variant}</code>`);
    }
    expect(outcomeLine(scenario!)).toMatch(
      /^Three candidates \(weather-candidates: weather-logreg-v1 vs weather-stump-v0, weather-tree-v2, weather-tree-v3\): PROMOTED after [\d.]+ s \[weather-stump-v0 ROLLED_BACK, .*\], as expected/,
    );
  }, 300_000);
});
