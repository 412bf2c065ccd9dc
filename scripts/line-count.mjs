// Lines per source file (tinygrad's sz.py idea): prints every file under src/ with its line
// count and fails if one is over the budget, so files stay short enough to read in a sitting.
//   npm run lines
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUDGET = 400;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) files.push(path);
  }
};
walk('src');
let total = 0;
let over = 0;
for (const f of files.sort()) {
  const n = readFileSync(f, 'utf8').split('\n').length;
  total += n;
  const flag = n > BUDGET ? `  over the ${BUDGET}-line budget` : '';
  if (flag) over++;
  console.log(`${String(n).padStart(5)}  ${f}${flag}`);
}
console.log(`${String(total).padStart(5)}  total in ${files.length} files`);
process.exit(over === 0 ? 0 : 1);
