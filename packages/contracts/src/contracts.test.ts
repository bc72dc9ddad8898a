import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { renderGenerated } from '../scripts/render.js';
import { avroType } from './codec.js';
import * as enums from './enums.js';
import { eventNames, eventSchemaText } from './events.js';
import { exampleEvents } from './examples.js';
import { topicCatalog, valueSubject } from './topics.js';
import { semanticIssues } from './validators.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
interface Fixture {
  event: string;
  schema: avro.Schema;
  value: unknown;
  hex: string;
}
const fixtures: Fixture[] = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as Fixture);

describe('generated types', () => {
  it('are up to date with schemas/*.avsc', () => {
    for (const file of renderGenerated()) {
      expect(
        readFileSync(file.path, 'utf8'),
        `${file.path} is stale: run pnpm --filter @kanary/contracts generate`,
      ).toBe(file.content);
    }
  });

  it('carry the exact schema text of every .avsc file', () => {
    const dir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.avsc'));
    expect(onDisk).toHaveLength(eventNames.length);
    for (const file of onDisk) {
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name: string };
      expect(JSON.parse(eventSchemaText[schema.name as keyof typeof eventSchemaText])).toEqual(
        schema,
      );
    }
  });
});

describe('schemas', () => {
  it.each(eventNames)(
    '%s documents every record and field and gives nullable fields a default',
    (event) => {
      const visit = (s: unknown): void => {
        if (Array.isArray(s)) return s.forEach(visit);
        if (typeof s !== 'object' || s === null) return;
        const node = s as {
          type?: unknown;
          doc?: string;
          fields?: Array<{ name: string; type: unknown; doc?: string; default?: unknown }>;
          items?: unknown;
        };
        if (node.type === 'record' || node.type === 'enum')
          expect(node.doc, JSON.stringify(node).slice(0, 80)).toBeTruthy();
        for (const f of node.fields ?? []) {
          expect(f.doc, `${event}.${f.name} has no doc`).toBeTruthy();
          if (Array.isArray(f.type) && f.type[0] === 'null')
            expect(f.default, `${event}.${f.name} default`).toBeNull();
          visit(f.type);
        }
        visit(node.items);
      };
      visit(JSON.parse(eventSchemaText[event]));
    },
  );

  it('enum objects list exactly the schema symbols', () => {
    const symbols = new Map<string, string[]>();
    const collect = (s: unknown): void => {
      if (Array.isArray(s)) return s.forEach(collect);
      if (typeof s !== 'object' || s === null) return;
      const node = s as {
        type?: unknown;
        name?: string;
        symbols?: string[];
        fields?: Array<{ type: unknown }>;
        items?: unknown;
      };
      if (node.type === 'enum' && node.name && node.symbols) symbols.set(node.name, node.symbols);
      (node.fields ?? []).forEach((f) => collect(f.type));
      collect(node.items);
      if (typeof node.type === 'object') collect(node.type);
    };
    eventNames.forEach((e) => collect(JSON.parse(eventSchemaText[e])));
    const objects: Record<string, object> = {
      Role: enums.Role,
      Dispatch: enums.Dispatch,
      PredictionStatus: enums.PredictionStatus,
      RolloutPhase: enums.RolloutPhase,
      RolloutAction: enums.RolloutAction,
      IssuedBy: enums.IssuedBy,
      CommandOutcomeKind: enums.CommandOutcomeKind,
      CandidateStatus: enums.CandidateStatus,
      DecisionAction: enums.DecisionAction,
      MetricOutcome: enums.MetricOutcome,
    };
    expect([...symbols.keys()].sort()).toEqual(Object.keys(objects).sort());
    for (const [name, syms] of symbols) expect(Object.values(objects[name]!), name).toEqual(syms);
  });
});

describe('golden fixtures', () => {
  it('exist for every event', () => {
    expect(new Set(fixtures.map((f) => f.event))).toEqual(new Set(eventNames));
  });

  it.each(eventNames)('%s encodes to the newest golden bytes and decodes back', (event) => {
    const newest = fixtures.filter((f) => f.event === event).at(-1)!;
    const bytes = avroType(event).toBuffer(exampleEvents[event]);
    expect(
      bytes.toString('hex'),
      'wire encoding changed: add a fixture version with scripts/golden.ts',
    ).toBe(newest.hex);
    expect(avroType(event).fromBuffer(Buffer.from(newest.hex, 'hex'))).toEqual(
      exampleEvents[event],
    );
  });

  it.each(fixtures.map((f) => [f.event, f] as const))(
    'current %s schema reads every released version (BACKWARD)',
    (event, fixture) => {
      const writer = avro.Type.forSchema(fixture.schema);
      const reader = avroType(event as keyof typeof exampleEvents);
      const decoded = reader.fromBuffer(
        Buffer.from(fixture.hex, 'hex'),
        reader.createResolver(writer),
      );
      expect(decoded).toMatchObject(fixture.value as object);
    },
  );

  it('a change that breaks BACKWARD compatibility is detected', () => {
    const current = JSON.parse(eventSchemaText.Prediction) as { fields: object[] };
    const broken = {
      ...current,
      fields: [...current.fields, { name: 'tenant', type: 'string', doc: 'no default' }],
    };
    const reader = avro.Type.forSchema(broken as avro.Schema);
    expect(() => reader.createResolver(avroType('Prediction'))).toThrow();
  });
});

describe('semantic rules', () => {
  it.each(eventNames)('%s example is valid', (event) => {
    expect(semanticIssues(event, exampleEvents[event])).toEqual([]);
  });

  it.each(Object.values(enums.RolloutAction))('a RolloutCommand may %s', (action) => {
    expect(semanticIssues('RolloutCommand', { ...exampleEvents.RolloutCommand, action })).toEqual(
      [],
    );
  });

  const p = exampleEvents.Prediction;
  const cases: Array<[string, () => string[], RegExp]> = [
    [
      'empty requestId',
      () => semanticIssues('Prediction', { ...p, requestId: ' ' }),
      /requestId: must not be empty/,
    ],
    [
      'negative latency',
      () => semanticIssues('Prediction', { ...p, latencyMs: -1 }),
      /latencyMs: must be >= 0/,
    ],
    [
      'infinite latency',
      () => semanticIssues('Prediction', { ...p, latencyMs: Infinity }),
      /latencyMs/,
    ],
    [
      'timestamp in seconds',
      () => semanticIssues('Prediction', { ...p, timestamp: 1_767_225_600 }),
      /timestamp: must be epoch milliseconds/,
    ],
    [
      'OK without output',
      () => semanticIssues('Prediction', { ...p, output: null }),
      /output must be set/,
    ],
    [
      'weight above 1',
      () =>
        semanticIssues('RolloutCommand', { ...exampleEvents.RolloutCommand, canaryWeight: 1.5 }),
      /canaryWeight: must be in \[0, 1\]/,
    ],
    [
      'SET_WEIGHT without weight',
      () =>
        semanticIssues('RolloutCommand', { ...exampleEvents.RolloutCommand, canaryWeight: null }),
      /canaryWeight is required/,
    ],
    [
      'features not JSON',
      () =>
        semanticIssues('InferenceRequest', {
          ...exampleEvents.InferenceRequest,
          features: '{oops',
        }),
      /features: must be JSON text/,
    ],
    [
      'empty label',
      () => semanticIssues('GroundTruthLabel', { ...exampleEvents.GroundTruthLabel, label: '' }),
      /label: must not be empty/,
    ],
    [
      'state weight negative',
      () => semanticIssues('RolloutState', { ...exampleEvents.RolloutState, canaryWeight: -0.1 }),
      /canaryWeight/,
    ],
  ];
  it.each(cases)('rejects %s', (_name, run, message) => {
    const issues = run();
    expect(issues.join('\n')).toMatch(message);
  });
});

describe('topic catalog', () => {
  it('co-partitions predictions and labels, compacts state and changelog, applies the prefix', () => {
    const c = topicCatalog({ prefix: 'acme', dataPartitions: 8 });
    expect(c.predictions.partitions).toBe(c.labels.partitions);
    expect(c.predictions.partitions).toBe(8);
    expect(c.state.config['cleanup.policy']).toBe('compact');
    expect(c.joinChangelog.config['cleanup.policy']).toBe('compact');
    expect(c.joinChangelog.partitions).toBe(c.predictions.partitions);
    expect(c.commands.name).toBe('acme.rollout.commands');
    expect(valueSubject(c.labels)).toBe('acme.labels-value');
    expect(new Set(Object.values(c).map((t) => t.name)).size).toBe(Object.keys(c).length);
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => topicCatalog({ prefix: 'a b' })).toThrow(/prefix/);
    expect(() => topicCatalog({ dataPartitions: 0 })).toThrow(/dataPartitions/);
  });
});
