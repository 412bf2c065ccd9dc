// The realistic SGConv kernel of docs/sgconv.md §2: lMax 1024, d 32, H 1, C 1, m = 2 (α = ½),
// sub-kernels N(0, 1) from a fixed seed. Prints, per scale, the lags it covers, its upsampling
// factor, its weight relative to scale 0 and the L2 norm and RMS of its part of K = K_full/Z;
// then the RMS of |K| over octaves of lag, with a bar on a log2 scale, so the α^i decay shows.
//   npm run build:test && node scripts/sgconv-example.mjs [seed]
import { Generator, nn, randn } from '../build/src/index.js';

const [lMax, d, H] = [1024, 32, 1];
const seed = Number(process.argv[2] ?? 1);
const { nScales: S, factors, length: T } = nn.sgconvScales(lMax, d);
const g = new Generator(seed);
const weights = Array.from({ length: S }, () => randn([1, H, d], { dtype: 'float64', generator: g }));
const { kernel, kernelNorm } = nn.sgconvKernel(weights, { lMax, kernelDim: d, L: T }); // [1, 1, T]
const K = kernel.data;

const norm = (a, b) => Math.hypot(...K.subarray(a, b));
const rms = (a, b) => norm(a, b) / Math.sqrt(b - a);
const f = (x, digits = 4) => x.toFixed(digits);

console.log(`lMax ${lMax}, d ${d}, H ${H}, m = 2 (α = ½), seed ${seed}: S = ${S}, T = ${T}, Z = ${f(kernelNorm.data[0], 2)}, ‖K‖₂ = ${f(norm(0, T), 12)}\n`);
console.log('| scale i | lags | factor r_i | weight α^i | ‖K segment‖₂ | RMS per tap |');
console.log('| --- | --- | --- | --- | --- | --- |');
let start = 0;
factors.forEach((r, i) => {
  const end = start + d * r;
  console.log(`| ${i} | ${start}-${end - 1} | ${r} | ${2 ** -i} | ${f(norm(start, end))} | ${f(rms(start, end))} |`);
  start = end;
});

// Octaves of lag: {0}, {1}, [2, 4), [4, 8), …, [512, 1024). Bar: one '#' per halving above the floor.
const bins = [[0, 1], ...Array.from({ length: Math.log2(T) }, (_, k) => [2 ** k, 2 ** (k + 1)])];
const values = bins.map(([a, b]) => rms(a, b));
const floor = Math.log2(Math.min(...values)) - 1;
console.log('\n| lags | RMS of K | log2 scale |');
console.log('| --- | --- | --- |');
bins.forEach(([a, b], k) => {
  const bar = '#'.repeat(Math.round(4 * (Math.log2(values[k]) - floor)));
  console.log(`| ${b - a === 1 ? a : `${a}-${b - 1}`} | ${f(values[k])} | \`${bar.padEnd(28)}\` |`);
});
