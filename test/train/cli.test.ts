import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { HELP, UsageError, parseTrainArgs, resumeCommand } from '../../src/cli/args.js';

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
    [['train', '--task', 'mnist'], /--task must be one of copying, listops, adding, text, got 'mnist'/],
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

cli('--help gives --layers its real default, max(2, pattern length)', async () => {
  const r = await run(['--help']);
  assert.match(r.out, /--layers N[^\n]*\n?[^\n]*\(default max\(2, pattern length\)\)/);
  const a = parseTrainArgs(['--model', 'AAC*2']);
  if (a === 'help') throw new Error('no --help was given');
  assert.is(a.config.layers, 6);
});

cli('docs/training.md has a row for every train flag of --help, with the same default', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/training.md', import.meta.url)), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(--[a-z-]+)[^`]*` \| ([^|]*) \|/gm)].map((m) => [m[1], m[2].trim()]));
  const options = HELP.slice(HELP.indexOf('Training options'), HELP.indexOf('Ctrl-C'));
  const entries = options.split(/\n(?=  --)/).slice(1); // one per flag, with its continuation lines
  assert.ok(entries.length >= 20, `${entries.length} flags found in --help`);
  for (const entry of entries) {
    const flag = /^ {2}(--[a-z-]+)/.exec(entry)![1];
    assert.ok(rows.has(flag), `${flag} has no row in docs/training.md`);
    const at = entry.indexOf('(default ');
    if (at < 0) continue;
    let depth = 0;
    let end = at;
    for (; end < entry.length; end++) {
      depth += entry[end] === '(' ? 1 : entry[end] === ')' ? -1 : 0;
      if (depth === 0) break;
    }
    assert.is(rows.get(flag), entry.slice(at + '(default '.length, end), `${flag}: the default in docs/training.md`);
  }
});

cli('the printed resume command drops any earlier --resume (both spellings) and quotes for the shell', () => {
  assert.is(resumeCommand(['--steps', '9', '--resume', 'old/c.safetensors', '--quiet'], 'runs/x/checkpoint.safetensors'),
    'longconv train --steps 9 --quiet --resume runs/x/checkpoint.safetensors');
  assert.is(resumeCommand(['--resume=old/c.safetensors', '--model', 'AAC*3+ACC*3'], 'my runs/c.safetensors'),
    "longconv train --model 'AAC*3+ACC*3' --resume 'my runs/c.safetensors'");
  assert.is(resumeCommand(['--out', "it's"], 'c'), "longconv train --out 'it'\\''s' --resume c");
});

cli('a missing --resume or --checkpoint file is a usage error (exit 2) with a one-line message', async () => {
  for (const argv of [['train', '--resume', 'no/such.safetensors'], ['evaluate', '--checkpoint', 'no/such.safetensors'], ['generate', '--checkpoint', '.']]) {
    const r = await run(argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, /^longconv: --(resume|checkpoint) (no\/such\.safetensors: no such file|\.: not a file)$/m, argv.join(' '));
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
  }
});

cli('defaults: the copying demo with a long convolution, T = 1000 (length 1020); lengths per task', () => {
  const a = parseTrainArgs([]);
  if (a === 'help') throw new Error('no --help was given');
  assert.equal([a.config.task, a.config.model, a.config.length, a.config.dModel, a.config.steps], ['copying', 'longconv', 1020, 64, 200]);
  const length = (task: string): number => (parseTrainArgs(['--task', task]) as { config: { length: number } }).config.length;
  assert.equal(['listops', 'adding', 'text'].map(length), [1000, 1000, 256]);
  // A copying sequence holds ten symbols, the delimiter and ten recall steps: 21 at least.
  assert.throws(() => parseTrainArgs(['--length', '20']), /--length must be an integer ≥ 21, got '20'/);
  assert.ok(parseTrainArgs(['--task', 'adding', '--length', '20']) !== 'help');
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
    assert.match(e.out, /at step 4: eval loss .* \(over 4 batches of 2\)/);
    const e3 = await run(['evaluate', '--checkpoint', join(dir, 'checkpoint.safetensors'), '--batches', '3']);
    assert.is(e3.code, 0, e3.err);
    assert.match(e3.out, /at step 4: eval loss .* \(over 3 batches of 2\)/);
    assert.is.not(/eval loss (\S+)/.exec(e3.out)![1], /eval loss (\S+)/.exec(e.out)![1], '--batches changes what is measured');
    // Flags that contradict the checkpoint are refused by their flag names.
    const changed = await run([...args, '--lr', '0.1', '--dropout', '0.2', '--resume', join(dir, 'checkpoint.safetensors')]);
    assert.is(changed.code, 2);
    assert.match(changed.err, /--lr 0\.1, but the checkpoint was trained with --lr 0\.004; --dropout 0\.2, but the checkpoint was trained with --dropout 0/);
    const shrink = await run([...args.map((a) => (a === '4' ? '3' : a)), '--resume', join(dir, 'checkpoint.safetensors')]);
    assert.is(shrink.code, 2);
    assert.match(shrink.err, /--steps 3 is fewer than the checkpoint's 4/);
    const more = await run([...args.map((a) => (a === '4' ? '6' : a)), '--resume', join(dir, 'checkpoint.safetensors')]);
    assert.is(more.code, 0, more.err);
    const after = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: { train: unknown[] } };
    assert.is(after.history.train.length, 6);
    // Left-out flags take the checkpoint's values; the output goes beside the checkpoint.
    const bare = await run(['train', '--resume', join(dir, 'checkpoint.safetensors'), '--steps', '7', '--quiet']);
    assert.is(bare.code, 0, bare.err);
    const last = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { config: { dModel: number; length: number }; history: { train: unknown[] } };
    assert.is(last.history.train.length, 7);
    assert.equal([last.config.dModel, last.config.length], [8, 24]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Run main with process.stdout.write captured too (generate writes there). */
async function runWrite(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
  try {
    const r = await run(argv);
    return { ...r, out: out.join('') + r.out };
  } finally {
    process.stdout.write = write;
  }
}

cli('text checkpoints keep their vocabulary: generate needs no text, evaluate survives new characters', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-vocab-'));
  try {
    const textFile = join(dir, 'corpus.txt');
    writeFileSync(textFile, 'a cab, a bad cab; a dab. '.repeat(20));
    const r = await run(['train', '--task', 'text', '--text', textFile, '--steps', '2', '--length', '16', '--d-model', '8', '--batch', '2', '--out', dir, '--quiet']);
    assert.is(r.code, 0, r.err);
    const checkpoint = join(dir, 'checkpoint.safetensors');
    // New characters sort before and between the old ones: a vocabulary rebuilt from this text
    // would shift every id (and grow the embedding, which would not load).
    writeFileSync(textFile, '!A a cab, a bad cab; a dab. ZZ '.repeat(20));
    const e = await run(['evaluate', '--checkpoint', checkpoint]);
    assert.is(e.code, 0, e.err);
    assert.match(e.err, /note: 80 characters of the text are not in the checkpoint's vocabulary and were left out/);
    // Resuming on another text would be other training data: refused by name, before any work.
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'a cab. '.repeat(100));
    const resumed = await run(['train', '--resume', checkpoint, '--text', other, '--quiet']);
    assert.is(resumed.code, 2, resumed.err);
    assert.match(resumed.err, /--text \S*other\.txt, but the checkpoint was trained on --text \S*corpus\.txt/);
    rmSync(textFile);
    const g = await runWrite(['generate', '--checkpoint', checkpoint, '--prompt', 'a cab', '--tokens', '20', '--top-k', '1']);
    assert.is(g.code, 0, g.err);
    assert.ok(g.out.startsWith('a cab') && g.out.trimEnd().length === 25, JSON.stringify(g.out));
    assert.ok([...g.out.trimEnd()].every((c) => ' ,.;abcd'.includes(c)), `only the trained characters: ${JSON.stringify(g.out)}`);
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
    const bad = await run(['train', '--steps', '1', '--length', '24', '--d-model', '8', '--batch', '2', '--out', join(dir, 'copying'), '--quiet']);
    assert.is(bad.code, 0);
    const g = await run(['generate', '--checkpoint', join(dir, 'copying', 'checkpoint.safetensors')]);
    assert.is(g.code, 2);
    assert.match(g.err, /needs a checkpoint of a text model/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Start the built CLI, send SIGINT once its output matches `ready`, and collect how it ended. */
function interruptAfter(argv: string[], ready: RegExp): Promise<{ code: number | null; out: string }> {
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let sent = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hung child fails the test, not the suite
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (!sent && ready.test(out)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, out });
  }));
}

cli('Ctrl-C: exit 130 with a checkpoint and a resume command that continues the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'longconv-sigint-'));
  try {
    // Far more steps than can run: only SIGINT ends these runs. --eval-every 1 prints after every step.
    const first = await interruptAfter(['train', '--steps', '100000', '--length', '24', '--d-model', '8', '--batch', '2', '--eval-every', '1', '--eval-batches', '1', '--out', dir], /eval @ 1:/);
    assert.is(first.code, 130, first.out);
    const checkpoint = join(dir, 'checkpoint.safetensors');
    assert.ok(existsSync(checkpoint));
    const stopped = Number(/interrupted at step (\d+)/.exec(first.out)![1]);
    const command = /resume with: longconv train (.*)/.exec(first.out)![1];
    assert.is(command, `--steps 100000 --length 24 --d-model 8 --batch 2 --eval-every 1 --eval-batches 1 --out ${dir} --resume ${checkpoint}`);
    const second = await interruptAfter(['train', ...command.split(' ')], new RegExp(`eval @ ${stopped + 1}:`));
    assert.is(second.code, 130, second.out);
    assert.match(second.out, new RegExp(`resumed from .* at step ${stopped}\n`));
    assert.ok(Number(/interrupted at step (\d+)/.exec(second.out)![1]) > stopped);
    assert.is(/resume with: (.*)/.exec(second.out)![1].split('--resume').length, 2, 'one --resume in the printed command');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cli.run();
