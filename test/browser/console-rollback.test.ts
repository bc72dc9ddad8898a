import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleEvents } from '@kanary/contracts';
import { EvidenceFolder, rolloutTerms } from '@kanary/evidence';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSOLE_TOKEN,
  EvidenceSource,
  consoleBed,
  type ConsoleBed,
} from '../../services/console/test/console-bed.js';

/** Debian's Chromium (installed by .ci/run), not a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

let bed: ConsoleBed;
let browser: Browser;

beforeAll(async () => {
  bed = await consoleBed();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bed?.close();
  await disconnectTestClients();
});

describe('the web console in a real browser', () => {
  it('shows a live rollout, follows it without reloading, and a click on rollback with the token rolls it back in the router', async () => {
    await bed.startRollout('weather', 'weather-logreg-v1', 'weather-tree-v3', 'weather-b1');
    await waitFor(
      async () =>
        (await (await fetch(`${bed.console.url}/api/rollouts/weather-b1`)).status) === 200,
      { timeoutMs: 30_000, description: 'the console to know the rollout' },
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      // The model's link leads to its current rollout.
      await page.goto(`${bed.console.url}/models/weather`);
      expect(new URL(page.url()).pathname).toBe('/rollouts/weather-b1');
      expect(await page.locator('#phase').textContent()).toBe('CANARY');
      expect(await page.locator('#weight').textContent()).toBe('10%');
      expect(await page.locator('svg[aria-label^="Accuracy per arm"]').count()).toBe(1);

      // Live: evidence and a decision published now appear on the open page (server-sent
      // events): the arms' scores, the segments, and the decision's per-segment evidence row.
      const state = bed.router.rollout('weather')!;
      const source = new EvidenceSource(0, 1, rolloutTerms(state)).fold({
        rolloutId: 'weather-b1',
        variant: 'weather-tree-v3',
        role: 'CANARY',
        served: true,
        at: state.startedAt + 100,
        routed: 40,
        labelled: 30,
        correct: 24,
        values: (i) => ({ segment: i < 20 ? 'north' : 'south' }),
      });
      await bed.publishAll(
        bed.catalog.evidence,
        source.checkpoint(Date.now()),
        EvidenceFolder.keyOf,
      );
      const [whole] = exampleEvents.DecisionReport.evidence;
      await bed.publish(bed.catalog.decisions, 'weather-b1', {
        ...exampleEvents.DecisionReport,
        rolloutId: 'weather-b1',
        model: 'weather',
        action: 'HOLD',
        reason: 'waiting for 100 mature labels per arm',
        evidence: [whole!, { ...whole!, segment: 'north', outcome: 'INCONCLUSIVE' }],
        at: Date.now(),
      });
      await page.getByText('waiting for 100 mature labels per arm').waitFor({ timeout: 30_000 });
      await page.locator('table.segments').waitFor({ timeout: 30_000 });
      expect(await page.locator('table.segments tr td:first-child').allTextContents()).toEqual([
        'north',
        'south',
      ]);
      expect(await page.locator('table.scores tr.arm-canary td').allTextContents()).toEqual([
        'canary',
        'weather-tree-v3',
        '0.0943',
        '0.0126',
        '3',
      ]);
      expect(await page.locator('table.evidence span.segment').allTextContents()).toEqual([
        '[north]',
      ]);

      // Rollback with the operator token typed into the page.
      await page.locator('#token').fill(CONSOLE_TOKEN);
      await page.locator('button[data-verb="rollback"]').click();
      await waitFor(() => bed.router.rollout('weather')?.phase === 'ROLLED_BACK', {
        timeoutMs: 30_000,
        description: "the router's state to be ROLLED_BACK",
      });
      await page.locator('#phase', { hasText: 'ROLLED_BACK' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#action-result').textContent()).toBe(
        'ROLLBACK applied: ROLLED_BACK',
      );
      expect(bed.router.rollout('weather')?.lastCommand).toMatchObject({
        action: 'ROLLBACK',
        issuedBy: 'OPERATOR',
        outcome: 'APPLIED',
      });
      // A finished rollout offers no more buttons.
      expect(await page.locator('button[data-verb]').count()).toBe(0);
      expect(errors).toEqual([]);
      const shots = join(process.cwd(), '.kanary', 'browser');
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'console-rollout.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 150_000);

  it('rolls back one candidate of an A/B/n rollout with its own button, the others staying live', async () => {
    const candidates = ['abn-a', 'abn-b', 'abn-c'];
    await bed.startRollout('abn-browser', 'abn-v1', 'abn-a', 'abn-br1', {
      canary: null,
      candidates,
    });
    await waitFor(
      async () => (await (await fetch(`${bed.console.url}/api/rollouts/abn-br1`)).status) === 200,
      { timeoutMs: 30_000, description: 'the console to know the rollout' },
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${bed.console.url}/rollouts/abn-br1`);
      // One rollback button per candidate (and one for the whole rollout).
      for (const variant of candidates) {
        expect(
          await page.locator(`button[data-verb="rollback"][data-canary="${variant}"]`).count(),
        ).toBe(1);
      }
      await page.locator('#token').fill(CONSOLE_TOKEN);
      await page.locator('button[data-verb="rollback"][data-canary="abn-b"]').click();
      const statuses = () =>
        bed.router.rollout('abn-browser')?.candidates.map((c) => `${c.variant}:${c.status}`);
      await waitFor(() => statuses()?.[1] === 'abn-b:ROLLED_BACK', {
        timeoutMs: 30_000,
        description: 'the router to roll back abn-b alone',
      });
      expect(statuses()).toEqual(['abn-a:LIVE', 'abn-b:ROLLED_BACK', 'abn-c:LIVE']);
      expect(bed.router.rollout('abn-browser')).toMatchObject({
        phase: 'CANARY',
        lastCommand: { action: 'ROLLBACK', issuedBy: 'OPERATOR', outcome: 'APPLIED' },
      });
      // The page follows: abn-b has no buttons left, the others keep theirs.
      await page
        .locator('button[data-verb="rollback"][data-canary="abn-b"]')
        .waitFor({ state: 'detached', timeout: 30_000 });
      expect(await page.locator('button[data-verb="rollback"][data-canary="abn-c"]').count()).toBe(
        1,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 150_000);
});
