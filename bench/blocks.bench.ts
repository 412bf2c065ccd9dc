// Attention block vs SGConv block (after Table 4 of the SGConv paper): the same pre-norm
// residual block, H = 128, batch 1, with multi-head attention (4 heads) or SGConv as its mixer.
// Reported per L: forward time (median of 5 calls, 3 at L = 2048, 1 from 3072 on; no graph
// recorded, after a warm-up call) and peak memory,
// for a forward pass that records the graph (as in training) and for forward + backward.
//
// Peak memory is the process's peak resident set size (Linux VmHWM, what
// process.resourceUsage().maxRSS reports) above the resident size just before the call. Each
// (block, L) case runs in a fresh child process so that no earlier case's garbage, JIT code or
// high-water mark colours it, and the high-water mark is reset to the current size right before
// the call (/proc/self/clear_refs; without it, maxRSS would still carry start-up's peak).
// Target: the SGConv block faster from L = 512 and at least 2× faster at L = 1024.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Generator, nn, noGrad, randn, sum } from '../src/index.js';
import { fixed, header, record } from './helpers.js';

const H = 128;
// 64 and 128 only locate the crossover; the paper's table starts at 256.
const lengths = [64, 128, 256, 512, 1024, 2048, 3072, 4096];
const kinds = ['attention', 'sgconv'] as const;
type Kind = (typeof kinds)[number];
const MiB = 2 ** 20;

interface CaseResult {
  ms: number;
  forwardMiB: number;
  forwardBackwardMiB: number;
  /** Whether the high-water mark could be reset (else the figures are upper bounds). */
  exact: boolean;
}

function block(kind: Kind, L: number): nn.ResidualBlock {
  const g = new Generator(1);
  const mixer = kind === 'attention'
    ? new nn.MultiheadAttention(H, 4, { generator: g })
    : new nn.SGConv({ dModel: H, lMax: L, kernelDim: 32, postact: 'glu', generator: g });
  return new nn.ResidualBlock(mixer, H, { generator: g });
}

function medianMs(fn: () => unknown, runs: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Collect garbage, then reset the peak-RSS mark to the current RSS; returns that RSS and whether the reset worked. */
function startPeak(): { base: number; exact: boolean } {
  (globalThis as { gc?: () => void }).gc?.();
  let exact = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // Linux ≥ 4.0: VmHWM := current RSS
  } catch {
    exact = false;
  }
  return { base: process.memoryUsage().rss, exact };
}

const peakAbove = (base: number): number => (process.resourceUsage().maxRSS * 1024 - base) / MiB;

/** One (block, L) case, in this (fresh) process: memory first, before timing runs raise the mark. */
function runCase(kind: Kind, L: number): CaseResult {
  const b = block(kind, L);
  const x = randn([1, L, H], { generator: new Generator(2) }).requiresGrad_();
  const { base, exact } = startPeak();
  const y = b.forward(x); // graph recorded: intermediates stay alive for backward
  const forwardMiB = peakAbove(base);
  sum(y).backward();
  const forwardBackwardMiB = peakAbove(base);
  // Fewer timed calls where one attention call takes seconds: the ratio is large there anyway.
  const ms = medianMs(() => noGrad(() => b.forward(x)), L >= 3072 ? 1 : L >= 2048 ? 3 : 5);
  return { ms, forwardMiB, forwardBackwardMiB, exact };
}

function inChild(kind: Kind, L: number): CaseResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', self, '--case', kind, String(L)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`blocks bench: the ${kind} case at L = ${L} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseResult;
}

/** The smallest measured L from which the SGConv block is faster at that and every larger L. */
export function crossover(rows: { L: number; speedup: number }[]): string {
  let from = -1;
  for (let i = rows.length - 1; i >= 0 && rows[i].speedup > 1; i--) from = i;
  if (from < 0) return `no crossover: the attention block is faster at L = ${rows[rows.length - 1].L}`;
  const fasterBelow = rows.slice(0, from).filter((r) => r.speedup > 1).map((r) => r.L);
  if (from === 0) return `the SGConv block is faster at every measured L (${rows[0].L} … ${rows[rows.length - 1].L}): the crossover lies below ${rows[0].L}`;
  return `crossover: the SGConv block is faster from L = ${rows[from].L} on, at every larger L measured` +
    (fasterBelow.length > 0 ? ` (also faster at ${fasterBelow.join(', ')}, but not at every length in between)` : '');
}

function main(): void {
  header(`attention block vs SGConv block, H = ${H}, batch 1, float32; each case in a fresh process`, { backend: 'js' });
  const rows: { L: number; speedup: number; [k: string]: number | boolean }[] = [];
  for (const L of lengths) {
    const a = inChild('attention', L);
    const s = inChild('sgconv', L);
    rows.push({
      L, attention_ms: a.ms, sgconv_ms: s.ms, speedup: a.ms / s.ms,
      attention_fwd_mib: a.forwardMiB, sgconv_fwd_mib: s.forwardMiB, attention_fwdbwd_mib: a.forwardBackwardMiB, sgconv_fwdbwd_mib: s.forwardBackwardMiB,
      exact: a.exact && s.exact,
    });
  }
  console.table(rows.map((r) => ({
    L: r.L, 'attention ms': fixed(r.attention_ms as number, 1), 'SGConv ms': fixed(r.sgconv_ms as number, 1), 'SGConv speed-up': `${fixed(r.speedup)}x`,
    'attn fwd MiB': fixed(r.attention_fwd_mib as number, 1), 'SGConv fwd MiB': fixed(r.sgconv_fwd_mib as number, 1),
    'attn fwd+bwd MiB': fixed(r.attention_fwdbwd_mib as number, 1), 'SGConv fwd+bwd MiB': fixed(r.sgconv_fwdbwd_mib as number, 1),
  })));
  if (rows.some((r) => !r.exact)) console.log('note: the peak-RSS mark could not be reset here (/proc/self/clear_refs); the MiB figures are upper bounds');
  console.log(crossover(rows));
  const at1024 = rows.find((r) => r.L === 1024)!;
  const met = rows.filter((r) => r.L >= 512).every((r) => r.speedup > 1) && at1024.speedup >= 2;
  console.log(`target (SGConv faster at every L ≥ 512, ≥ 2× at L = 1024): ${met ? 'met' : 'NOT met'} (${fixed(at1024.speedup)}× at 1024)`);
  record('blocks', rows);
}

const caseAt = process.argv.indexOf('--case');
if (process.argv[1] !== fileURLToPath(import.meta.url)) {
  // imported (to reuse crossover): run nothing
} else if (caseAt >= 0) {
  const kind = process.argv[caseAt + 1] as Kind;
  const L = Number(process.argv[caseAt + 2]);
  if (!kinds.includes(kind) || !Number.isInteger(L)) throw new Error(`blocks bench: --case needs attention|sgconv and a length, got ${process.argv.slice(caseAt + 1).join(' ')}`);
  console.log(JSON.stringify(runCase(kind, L)));
} else {
  main();
}
