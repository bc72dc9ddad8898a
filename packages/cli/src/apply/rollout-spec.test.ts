import { describe, expect, it } from 'vitest';
import { parseSpecDocuments } from './rollout-spec.js';

const header = 'apiVersion: kanary/v1\nkind: Rollout\n';

describe('parseSpecDocuments', () => {
  it('reads every document of a file, filling in shadows and policy', () => {
    const text = `${header}model: a\nstable: v1\ncanary: v2\npolicy:\n  steps: [0.1, 0.5]\n---\n${header}model: b\nstable: v3\n---\n`;
    const { specs, invalid } = parseSpecDocuments(text, 'f.yaml');
    expect(invalid).toEqual([]);
    expect(specs).toEqual([
      {
        where: 'f.yaml (document 1)',
        spec: {
          model: 'a',
          stable: 'v1',
          canary: 'v2',
          candidates: [],
          shadows: [],
          rolloutId: null,
          policy: { steps: [0.1, 0.5] },
        },
      },
      {
        where: 'f.yaml (document 2)',
        spec: {
          model: 'b',
          stable: 'v3',
          canary: null,
          candidates: [],
          shadows: [],
          rolloutId: null,
          policy: {},
        },
      },
    ]);
  });

  it('reads the candidates of an A/B/n rollout in their order', () => {
    const text = `${header}model: a\nstable: v1\ncandidates: [v3, v2]\nshadows: [v4]\nrolloutId: r1\n`;
    const { specs, invalid } = parseSpecDocuments(text, 'f.yaml');
    expect(invalid).toEqual([]);
    expect(specs[0]!.spec).toMatchObject({
      canary: null,
      candidates: ['v3', 'v2'],
      shadows: ['v4'],
      rolloutId: 'r1',
    });
  });

  it('ignores the status that `get -o yaml` writes', () => {
    const text = `${header}model: a\nstable: v1\ncanary: v2\nstatus:\n  phase: CANARY\n  seq: 3\n`;
    expect(parseSpecDocuments(text, 'f.yaml').specs).toHaveLength(1);
  });

  it.each([
    ['a missing field', `${header}model: a\ncanary: v2\n`, 'stable: is required'],
    [
      'a wrong kind',
      'apiVersion: kanary/v1\nkind: Deployment\nmodel: a\nstable: v1\n',
      'kind: must be "Rollout"',
    ],
    ['no apiVersion', 'kind: Rollout\nmodel: a\nstable: v1\n', 'apiVersion: must be "kanary/v1"'],
    [
      'an unknown field',
      `${header}model: a\nstable: v1\ncanry: v2\n`,
      'canry: is not a spec field',
    ],
    ['a blank id', `${header}model: " "\nstable: v1\n`, 'model: must not be blank'],
    ['a number for a variant', `${header}model: a\nstable: 3\n`, 'stable: must be a string'],
    [
      'canary equal to stable',
      `${header}model: a\nstable: v1\ncanary: v1\n`,
      'canary: must differ from stable',
    ],
    [
      'a repeated shadow',
      `${header}model: a\nstable: v1\ncanary: v2\nshadows: [v3, v3]\n`,
      'shadows.1: "v3" is listed twice',
    ],
    [
      'shadows without a canary',
      `${header}model: a\nstable: v1\nshadows: [v3]\n`,
      'shadows: need a canary or candidates',
    ],
    [
      'an invalid policy field',
      `${header}model: a\nstable: v1\ncanary: v2\npolicy:\n  steps: [0.5, 0.1]\n`,
      'policy.steps.1: must be greater than the previous step',
    ],
    [
      'an unknown policy field',
      `${header}model: a\nstable: v1\ncanary: v2\npolicy:\n  stepz: [0.5]\n`,
      'policy.stepz: is not a policy field',
    ],
    [
      'a policy that is not a mapping',
      `${header}model: a\nstable: v1\ncanary: v2\npolicy: fast\n`,
      'policy: must be a mapping of policy fields',
    ],
    [
      'a canary and candidates',
      `${header}model: a\nstable: v1\ncanary: v2\ncandidates: [v3, v4]\n`,
      'candidates: cannot be combined with canary',
    ],
    [
      'one candidate',
      `${header}model: a\nstable: v1\ncandidates: [v2]\n`,
      'candidates: need two or more variants (one candidate is a canary)',
    ],
    [
      'a repeated candidate',
      `${header}model: a\nstable: v1\ncandidates: [v2, v3, v2]\n`,
      'candidates.2: "v2" is listed twice',
    ],
    [
      'the stable as a candidate',
      `${header}model: a\nstable: v1\ncandidates: [v1, v2]\n`,
      'candidates.0: "v1" is already the stable or a shadow',
    ],
    [
      'a shadow as a candidate',
      `${header}model: a\nstable: v1\ncandidates: [v2, v3]\nshadows: [v3]\n`,
      'candidates.1: "v3" is already the stable or a shadow',
    ],
    [
      'candidates that are not a list',
      `${header}model: a\nstable: v1\ncandidates: v2\n`,
      'candidates: must be a list of variants',
    ],
    [
      'a blank candidate',
      `${header}model: a\nstable: v1\ncandidates: [v2, " "]\n`,
      'candidates.1: must not be blank',
    ],
    [
      'a rolloutId without a rollout',
      `${header}model: a\nstable: v1\nrolloutId: r1\n`,
      'rolloutId: needs a canary or candidates',
    ],
    ['broken YAML', `${header}model: [a\n`, 'YAML: '],
  ])('names the field: %s', (_, text, problem) => {
    const { specs, invalid } = parseSpecDocuments(text, 'f.yaml');
    expect(specs).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.where).toBe('f.yaml');
    expect(invalid[0]!.problems.join('\n')).toContain(problem);
  });

  it('skips empty documents', () => {
    expect(parseSpecDocuments('', 'f.yaml')).toEqual({ specs: [], invalid: [] });
    expect(parseSpecDocuments('---\n# nothing\n', 'f.yaml')).toEqual({ specs: [], invalid: [] });
  });
});
