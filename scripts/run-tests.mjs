// Runs every compiled test file (build/test/**/*.test.js) with uvu, then prints the totals as
// one plain line ("N passed, N failed") that CI can read. Extra arguments filter file paths:
//   npm test -- fft        (only files whose path contains "fft")
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// uvu's package exports do not include its CLI, so run the file by path.
const uvu = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
const filter = process.argv.slice(2).join('|');
const pattern = filter ? `(${filter}).*\\.test\\.js$` : '\\.test\\.js$';
const run = spawnSync(process.execPath, ['--enable-source-maps', uvu, 'build/test', pattern], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
process.stdout.write(run.stdout ?? '');
const total = Number(/Total:\s+(\d+)/.exec(run.stdout ?? '')?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(run.stdout ?? '')?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(run.stdout ?? '')?.[1] ?? 0);
console.log(`\n${passed} passed, ${total - passed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && total > 0 ? 0 : 1);
