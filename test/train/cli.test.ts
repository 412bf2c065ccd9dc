import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { UsageError, parseTrainArgs } from '../../src/cli/args.js';

const cli = suite('longconv CLI');

/** Run main with console output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

cli('usage errors exit with code 2 and say what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['train', '--steps', 'ten'], /--steps must be an integer ≥ 1, got 'ten'/],
    [['train', '--steps', '0'], /--steps must be an integer ≥ 1, got '0'/],
    [['train', '--lr=-1'], /--lr must be a number in \[0, 10\], got '-1'/],
    [['train', '--task', 'mnist'], /--task must be one of listops, adding, text, got 'mnist'/],
    [['train', '--model', 'AXC'], /unknown layer letter 'X'/],
    [['train', '--model', 'transformer', '--d-model', '30', '--heads', '4'], /--d-model 30 must be divisible by --heads 4/],
    [['train', '--norm', 'group'], /--norm must be one of layer, batch/],
    [['fly'], /unknown command 'fly'/],
    [['evaluate'], /evaluate needs --checkpoint FILE/],
    [['generate', '--tokens', '5'], /generate needs --checkpoint FILE/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
  }
});

cli('--help explains every flag and exits 0', async () => {
  const r = await run(['train', '--help']);
  assert.is(r.code, 0);
  for (const flag of ['--task', '--model', '--layers', '--d-model', '--length', '--batch', '--steps', '--lr', '--weight-decay', '--seed', '--backend', '--out', '--resume']) {
    assert.ok(r.out.includes(flag), flag);
  }
});

cli('defaults: the adding demo with SGConv at length 1000', () => {
  const a = parseTrainArgs([]);
  if (a === 'help') throw new Error('no --help was given');
  assert.is(a.config.task, 'adding');
  assert.is(a.config.model, 'sgconv');
  assert.ok(a.config.length >= 1000);
  assert.throws(() => parseTrainArgs(['--batch', '2.5']), (e: unknown) => e instanceof UsageError);
});

cli('train writes metrics, a report and a checkpoint; evaluate and resume read it back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-cli-'));
  try {
    const args = ['train', '--steps', '4', '--length', '24', '--d-model', '8', '--batch', '2', '--eval-every', '2', '--out', dir, '--quiet'];
    const r = await run(args);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /report: .*report\.html/);
    for (const f of ['report.html', 'metrics.json', 'checkpoint.safetensors']) assert.ok(existsSync(join(dir, f)), f);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /learned kernel/);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: { train: unknown[] } };
    assert.is(metrics.history.train.length, 4);
    const e = await run(['evaluate', '--checkpoint', join(dir, 'checkpoint.safetensors')]);
    assert.is(e.code, 0, e.err);
    assert.match(e.out, /at step 4: eval loss/);
    const more = await run([...args.map((a) => (a === '4' ? '6' : a)), '--resume', join(dir, 'checkpoint.safetensors')]);
    assert.is(more.code, 0, more.err);
    const after = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: { train: unknown[] } };
    assert.is(after.history.train.length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cli('generate samples text from a text model checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-gen-'));
  try {
    const r = await run(['train', '--task', 'text', '--steps', '2', '--length', '16', '--d-model', '8', '--batch', '2', '--out', dir, '--quiet']);
    assert.is(r.code, 0, r.err);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(['generate', '--checkpoint', join(dir, 'checkpoint.safetensors'), '--prompt', 'the', '--tokens', '12']);
    } finally {
      process.stdout.write = write;
    }
    assert.is(code, 0);
    assert.ok(out.join('').startsWith('the') && out.join('').trimEnd().length === 15, JSON.stringify(out.join('')));
    const bad = await run(['train', '--steps', '1', '--length', '16', '--d-model', '8', '--batch', '2', '--out', join(dir, 'adding'), '--quiet']);
    assert.is(bad.code, 0);
    const g = await run(['generate', '--checkpoint', join(dir, 'adding', 'checkpoint.safetensors')]);
    assert.is(g.code, 2);
    assert.match(g.err, /needs a checkpoint of a text model/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cli.run();
