import { describe, expect, it } from 'vitest';
import { candidateProblems, selectsOneCanaryOnly } from './candidate-queries.js';

const labelled = new Set(['kanary_rollout_arm_accuracy', 'kanary_rollout_info']);

describe('candidateProblems', () => {
  it.each([
    {
      case: 'rollouts with one canary only',
      expr: 'kanary_rollout_arm_accuracy{model="$model", candidate=""}',
      legend: '{{role}} {{variant}}',
      problems: [],
    },
    {
      case: 'candidates legended apart',
      expr: 'kanary_rollout_arm_accuracy{model="$model", candidate!=""}',
      legend: 'candidate {{candidate}}: {{role}} {{variant}}',
      problems: [],
    },
    {
      case: 'an aggregation that keeps the candidate',
      expr: 'max by (rollout_id, candidate) (kanary_rollout_arm_accuracy{candidate!=""})',
      legend: '{{ candidate }}',
      problems: [],
    },
    {
      case: 'an aggregation without labels other than the candidate',
      expr: 'sum without (variant) (kanary_rollout_arm_accuracy)',
      legend: '{{candidate}}',
      problems: [],
    },
    {
      case: 'a metric without the label',
      expr: 'sum by (action) (increase(kanary_decisions_total[5m]))',
      legend: '{{action}}',
      problems: [],
    },
    {
      case: 'no candidate matcher and a legend without it',
      expr: 'kanary_rollout_arm_accuracy{model="$model"}',
      legend: '{{role}} {{variant}}',
      problems: [
        'kanary_rollout_arm_accuracy: legend "{{role}} {{variant}}" does not name {{candidate}}',
      ],
    },
    {
      case: 'a sum over candidates',
      expr: 'sum by (rollout_id) (kanary_rollout_arm_accuracy{candidate!=""})',
      legend: '{{candidate}}',
      problems: ['kanary_rollout_arm_accuracy: "sum by (rollout_id)" aggregates across candidates'],
    },
    {
      case: 'an aggregation that drops the candidate',
      expr: 'max without (candidate) (kanary_rollout_info)',
      legend: '{{candidate}}',
      problems: ['kanary_rollout_info: "max without (candidate)" aggregates across candidates'],
    },
    {
      case: 'an aggregation that keeps nothing',
      expr: 'count(kanary_rollout_info{candidate=~".+"})',
      legend: 'rollouts',
      problems: [
        'kanary_rollout_info: legend "rollouts" does not name {{candidate}}',
        'kanary_rollout_info: "count" aggregates across candidates',
      ],
    },
  ])('$case', ({ expr, legend, problems }) => {
    expect(candidateProblems({ expr, legendFormat: legend }, labelled)).toEqual(problems);
  });
});

describe('selectsOneCanaryOnly', () => {
  it.each([
    ['kanary_rollout_step{model="m", candidate=""}', true],
    ['kanary_rollout_step{candidate="",model="m"} / kanary_rollout_step{candidate=""}', true],
    ['kanary_rollout_step{model="m", candidate!=""}', false],
    ['kanary_rollout_step{model="m", candidate="v2"}', false],
    ['kanary_rollout_step{model="m"}', false],
    ['kanary_rollout_step{candidate=""} + kanary_rollout_step', false],
    ['kanary_rollout_info{candidate=""}', false],
  ])('%s → %s', (expr, expected) => {
    expect(selectsOneCanaryOnly(expr, 'kanary_rollout_step')).toBe(expected);
  });
});
