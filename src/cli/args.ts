// Command-line arguments for `longconv`, parsed with node:util's parseArgs. Every value is
// checked here; a bad flag or value is a UsageError, which the CLI reports with exit code 2.

import { parseArgs } from 'node:util';
import { type TrainConfig, MODEL_PATTERNS, patternFor } from '../train/trainer.js';
import { TASK_NAMES, type TaskName } from '../train/tasks.js';
import { COPYING_MIN_LENGTH } from '../data/copying.js';

/**
 * --length when it is not given: the classic T = 1000 copying problem, a text window of 256.
 * (The copying demo is also 64 wide: Squash leaves about 13 % of a long-convolution kernel's taps
 * alive at init, and 64 channels make it near certain that some are alive at the one lag it
 * needs; at width 32 some seeds miss it for hundreds of steps.)
 */
const DEFAULT_LENGTH: Record<TaskName, number> = { copying: 1020, listops: 1000, adding: 1000, text: 256 };
import { expandPattern } from '../nn/pattern.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const HELP = `longconv: train and run long-sequence models (SGConv, long convolutions, S4, attention)

Usage:
  longconv train [options]        train a model on a generated long-range task
  longconv evaluate --checkpoint FILE [--batches N]
  longconv generate --checkpoint FILE [--prompt TEXT] [--tokens N] [--temperature T] [--top-k K] [--seed N]
  longconv --help

Training options (the defaults are the demo: a long convolution learning the copying problem,
recalling ten symbols across 1,010 steps):
  --task NAME           copying | listops | adding | text                (default copying)
  --model NAME          sgconv | longconv | s4 | s4d | transformer | hybrid, or a layer
                        pattern such as "AAC*3+ACC*3" (A attention, W windowed attention,
                        C SGConv, L long conv, S S4, D S4D)              (default longconv)
  --layers N            number of blocks, the pattern repeating to fill them
                                                             (default max(2, pattern length))
  --d-model N           model width H                                    (default copying 64, else 32)
  --length N            sequence length L (ListOps: the maximum; copying: T + 20)
                                                 (default copying 1020, text 256, else 1000)
  --batch N             sequences per step                               (default 16)
  --steps N             optimisation steps                               (default 200)
  --lr X                peak learning rate (cosine schedule with warmup) (default 0.004)
  --weight-decay X      AdamW weight decay                               (default 0.01)
  --warmup N            linear warmup steps                              (default 5% of --steps)
  --dropout X           dropout on residual branches                     (default 0)
  --heads N             attention heads                                  (default 4)
  --window N            window of W (sliding-window attention) layers    (default 64)
  --norm KIND           layer | batch                                    (default layer)
  --postnorm            post-norm blocks instead of pre-norm
  --clip X              gradient-norm clipping, 0 for none               (default 1)
  --seed N              seed for data, initialisation and dropout        (default 0)
  --backend NAME        js | gpu (gpu needs the optional gpu.js package) (default js)
  --text FILE           text file for --task text                        (default the docs/ guides)
  --eval-every N        evaluate every N steps                           (default 50)
  --eval-batches N      batches in the fixed evaluation set              (default 4)
  --checkpoint-every N  write a checkpoint every N steps                  (default 100)
  --out DIR             where checkpoint, metrics.json and report.html go (default runs/TASK-MODEL)
  --resume FILE         continue from a checkpoint, bit for bit (see below)
  --quiet               print only the final summary
Ctrl-C writes a checkpoint and exits; --resume continues from it. With --resume, the flags
you leave out take the checkpoint's values (--out: the checkpoint's folder); the ones you give
must match it, except --steps, which may grow (the cosine schedule is then stretched to the new
total, so the run is no longer bit-identical to an uninterrupted one) and the --eval-* flags.`;

const trainOptions = {
  task: { type: 'string' }, model: { type: 'string' }, layers: { type: 'string' }, 'd-model': { type: 'string' },
  length: { type: 'string' }, batch: { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' },
  'weight-decay': { type: 'string' }, warmup: { type: 'string' }, dropout: { type: 'string' }, heads: { type: 'string' },
  window: { type: 'string' }, norm: { type: 'string' }, postnorm: { type: 'boolean' }, clip: { type: 'string' },
  seed: { type: 'string' }, backend: { type: 'string' }, text: { type: 'string' }, 'eval-every': { type: 'string' },
  'eval-batches': { type: 'string' }, 'checkpoint-every': { type: 'string' }, out: { type: 'string' },
  resume: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

/** The flag of each configuration setting, for messages and to know which flags were given. */
export const CONFIG_FLAGS: Record<keyof TrainConfig, string> = {
  task: 'task', model: 'model', layers: 'layers', dModel: 'd-model', length: 'length', batch: 'batch', steps: 'steps',
  lr: 'lr', weightDecay: 'weight-decay', seed: 'seed', warmup: 'warmup', evalEvery: 'eval-every',
  evalBatches: 'eval-batches', dropout: 'dropout', clip: 'clip', heads: 'heads', window: 'window', prenorm: 'postnorm', norm: 'norm',
};

export interface TrainArgs {
  config: TrainConfig;
  /** The flags given on the command line (without the dashes), as opposed to defaults. */
  given: ReadonlySet<string>;
  backend: 'js' | 'gpu';
  textFile: string | null;
  checkpointEvery: number;
  out: string;
  resume: string | null;
  quiet: boolean;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse<T extends OptionSpec>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function integer(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
  return v;
}

function real(name: string, raw: string | undefined, fallback: number, min = 0, max = Infinity): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}], got '${raw}'`);
  return v;
}

function choice<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  const { values: v } = parse(argv, trainOptions);
  if (v.help) return 'help';
  const task = choice('task', v.task, TASK_NAMES, 'copying');
  const model = v.model ?? 'longconv';
  let letters: string[];
  try {
    letters = expandPattern(patternFor(model));
  } catch (e) {
    throw new UsageError(`--model must be one of ${Object.keys(MODEL_PATTERNS).join(', ')} or a layer pattern: ${(e as Error).message}`);
  }
  const steps = integer('steps', v.steps, 200);
  const config: TrainConfig = {
    task, model, steps,
    layers: integer('layers', v.layers, Math.max(2, letters.length)),
    dModel: integer('d-model', v['d-model'], task === 'copying' ? 64 : 32),
    length: integer('length', v.length, DEFAULT_LENGTH[task], task === 'copying' ? COPYING_MIN_LENGTH : 2),
    batch: integer('batch', v.batch, 16),
    lr: real('lr', v.lr, 0.004, 0, 10),
    weightDecay: real('weight-decay', v['weight-decay'], 0.01, 0, 10),
    warmup: integer('warmup', v.warmup, Math.max(1, Math.round(steps * 0.05)), 0),
    dropout: real('dropout', v.dropout, 0, 0, 0.99),
    heads: integer('heads', v.heads, 4),
    window: integer('window', v.window, 64),
    norm: choice('norm', v.norm, ['layer', 'batch'] as const, 'layer'),
    prenorm: !v.postnorm,
    clip: real('clip', v.clip, 1),
    seed: integer('seed', v.seed, 0, 0),
    evalEvery: integer('eval-every', v['eval-every'], 50),
    evalBatches: integer('eval-batches', v['eval-batches'], 4),
  };
  if (letters.some((l) => l === 'A' || l === 'W') && config.dModel % config.heads !== 0) {
    throw new UsageError(`--d-model ${config.dModel} must be divisible by --heads ${config.heads} for attention layers`);
  }
  if (letters.length > config.layers) throw new UsageError(`--layers ${config.layers} is fewer than the ${letters.length} layers of the pattern '${model}'`);
  return {
    config,
    given: new Set(Object.keys(v)),
    backend: choice('backend', v.backend, ['js', 'gpu'] as const, 'js'),
    textFile: v.text ?? null,
    checkpointEvery: integer('checkpoint-every', v['checkpoint-every'], 100),
    out: v.out ?? `runs/${task}-${model.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    resume: v.resume ?? null,
    quiet: v.quiet ?? false,
  };
}

/** An argument as a POSIX shell reads it back: bare if it is plain, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that resumes a run: its train arguments without any --resume, then --resume FILE. */
export function resumeCommand(trainArgv: readonly string[], checkpoint: string): string {
  const kept: string[] = [];
  for (let i = 0; i < trainArgv.length; i++) {
    if (trainArgv[i] === '--resume') i++; // and its value
    else if (!trainArgv[i].startsWith('--resume=')) kept.push(trainArgv[i]);
  }
  return ['longconv', 'train', ...kept, '--resume', checkpoint].map(shellQuote).join(' ');
}

export function parseEvaluateArgs(argv: string[]): { checkpoint: string; batches: number | null } | 'help' {
  const { values: v } = parse(argv, { checkpoint: { type: 'string' }, batches: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const);
  if (v.help) return 'help';
  if (v.checkpoint === undefined) throw new UsageError('evaluate needs --checkpoint FILE');
  return { checkpoint: v.checkpoint, batches: v.batches === undefined ? null : integer('batches', v.batches, 4) };
}

export interface GenerateArgs {
  checkpoint: string;
  prompt: string;
  tokens: number;
  temperature: number;
  topK: number | undefined;
  seed: number;
}

export function parseGenerateArgs(argv: string[]): GenerateArgs | 'help' {
  const { values: v } = parse(argv, {
    checkpoint: { type: 'string' }, prompt: { type: 'string' }, tokens: { type: 'string' }, temperature: { type: 'string' },
    'top-k': { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  } as const);
  if (v.help) return 'help';
  if (v.checkpoint === undefined) throw new UsageError('generate needs --checkpoint FILE');
  return {
    checkpoint: v.checkpoint,
    prompt: v.prompt ?? '#',
    tokens: integer('tokens', v.tokens, 200),
    temperature: real('temperature', v.temperature, 0.8, 1e-6, 100),
    topK: v['top-k'] === undefined ? undefined : integer('top-k', v['top-k'], 10),
    seed: integer('seed', v.seed, 0, 0),
  };
}
