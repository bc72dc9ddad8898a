import { describe, expect, it } from 'vitest';
import { ExitCode } from './errors.js';
import { buildProgram } from './program.js';

/** Runs `kanary <args>` in-process, capturing output; nothing here reaches a broker. */
async function kanary(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { run } = buildProgram({ line: (t) => stdout.push(t), error: (t) => stderr.push(t) });
  const code = await run(args);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const COMMANDS = [
  ['topics', 'init'],
  ['schemas', 'register'],
  ['rollout', 'start'],
  ['rollout', 'status'],
  ['rollout', 'pause'],
  ['rollout', 'resume'],
  ['rollout', 'promote'],
  ['rollout', 'rollback'],
  ['rollout', 'approve'],
  ['traffic'],
  ['labels', 'import'],
  ['demo'],
];

describe('kanary arguments and exit codes', () => {
  it.each(COMMANDS)('%s %s --help describes the command and exits 0', async (...command) => {
    const result = await kanary(...command.filter((c) => c !== undefined), '--help');
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(new RegExp(`^Usage: kanary ${command.join(' ')}`));
  });

  it('lists every command in the top-level help', async () => {
    const result = await kanary('--help');
    expect(result.code).toBe(ExitCode.ok);
    for (const name of ['topics', 'schemas', 'rollout', 'traffic', 'labels', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it.each([
    [['no-such-command'], /unknown command 'no-such-command'/],
    [
      ['rollout', 'start', '--model', 'm', '--stable', 'a'],
      /name the new variant: --canary <variant>, or --candidates <a,b,...> for an A\/B\/n rollout/,
    ],
    [
      ['rollout', 'start', '--model', 'm', '--stable', 'a', '--canary', 'b', '--candidates', 'c,d'],
      /--canary and --candidates are mutually exclusive/,
    ],
    [
      ['rollout', 'start', '--model', 'm', '--stable', 'a', '--candidates', 'b'],
      /--candidates needs two or more variants \(got b; for one, use --canary\)/,
    ],
    [
      ['rollout', 'start', '--model', 'm', '--stable', 'a', '--candidates', 'b,c', '--shadow'],
      /--shadow is for one --canary: candidates start in canary mode/,
    ],
    [
      ['rollout', 'start', '--model', 'm', '--stable', 'a', '--candidates', ' , '],
      /option '--candidates <variants>' argument ' , ' is invalid/,
    ],
    [
      ['rollout', 'promote', '--model', 'm', '--canary', 'a', '--candidate', 'b'],
      /--canary a and --candidate b name different candidates/,
    ],
    [['rollout', 'pause'], /required option '--model <model>' not specified/],
    [['rollout', 'approve'], /name the model: kanary rollout approve <model>/],
    [
      ['demo', '--rate', '0'],
      /option '--rate <n>' argument '0' is invalid. expected a positive number/,
    ],
    [
      ['demo', '--label-delay', 'soon'],
      /option '--label-delay <duration>' argument 'soon' is invalid/,
    ],
    [['demo', '--unlabelled', '1.5'], /expected a number in \[0, 1\]/],
    [
      ['demo', '--only', 'weather-nope'],
      /--only: unknown scenario model weather-nope \(choose from weather-better, weather-worse, weather-segments\)/,
    ],
    [['traffic', '--rate', '-3'], /expected a positive number/],
  ])('kanary %j fails with exit 2 and says why', async (args, message) => {
    const result = await kanary(...args);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(message);
  });

  it('rejects an unreadable policy file before connecting anywhere (exit 2)', async () => {
    const result = await kanary(
      '--brokers',
      '127.0.0.1:1',
      'rollout',
      'start',
      '--model',
      'm',
      '--stable',
      'a',
      '--canary',
      'b',
      '--policy',
      '/nonexistent/policy.json',
    );
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/cannot read policy file \/nonexistent\/policy\.json/);
  });

  it('reports an unreachable broker with exit 3 and what to do', async () => {
    const result = await kanary('--brokers', '127.0.0.1:1', 'rollout', 'status');
    expect(result.code).toBe(ExitCode.unreachable);
    expect(result.stderr).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1[\s\S]*pnpm infra:up/);
  });
});
