// Runs the compiled benchmarks (build/bench/*.bench.js) one after another, each in its own
// process so that one benchmark's garbage and JIT state do not colour the next.
//   npm run bench                all of them
//   npm run bench -- matmul fft  only those whose file name contains a given word
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const words = process.argv.slice(2);
const files = readdirSync('build/bench')
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${words.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f.replace('.bench.js', '')} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', `build/bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
