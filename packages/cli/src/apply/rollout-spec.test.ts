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
          shadows: [],
          rolloutId: null,
          policy: { steps: [0.1, 0.5] },
        },
      },
      {
        where: 'f.yaml (document 2)',
        spec: { model: 'b', stable: 'v3', canary: null, shadows: [], rolloutId: null, policy: {} },
      },
    ]);
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
      'shadows: need a canary',
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
