// The Node file helpers: atomic write (temp file, fsync, rename), read back through the same
// validating loader, no temp files left behind on success or failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tensor, io } from '../../src/index.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/io/node.js';

const files = suite('safetensors files');
let dir = '';

files.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longconv-io-'));
});
files.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

files('writes, reads back, and leaves only the target file', async () => {
  const path = join(dir, 'model.safetensors');
  const dict = { 'layers.0.weight': tensor([[1, 2], [3, 4]]), steps: { tensor: tensor(12), dtype: 'I64' as const } };
  await writeSafetensorsFile(path, dict, { epoch: '3' });
  assert.equal(await readdir(dir), ['model.safetensors']);
  assert.equal(new Uint8Array(await readFile(path)), io.saveSafetensors(dict, { epoch: '3' }), 'same bytes as the byte-level writer');
  const { tensors, metadata } = await readSafetensorsFile(path);
  assert.equal(tensors['layers.0.weight'].toArray(), [[1, 2], [3, 4]]);
  assert.is(tensors.steps.item(), 12);
  assert.equal(metadata, { epoch: '3' });
});

files('overwrites an existing file in place, keeping its permission bits', async () => {
  const path = join(dir, 'ckpt.safetensors');
  await writeSafetensorsFile(path, { w: tensor([1, 2, 3]) });
  await chmod(path, 0o640);
  await writeSafetensorsFile(path, { w: tensor([9]) });
  assert.equal(await readdir(dir), ['ckpt.safetensors']);
  assert.equal(Array.from((await readSafetensorsFile(path)).tensors.w.data), [9]);
  assert.is((await stat(path)).mode & 0o777, 0o640);
});

files('concurrent writers to one path: the result is one whole file, never a mix', async () => {
  const path = join(dir, 'race.safetensors');
  const big = (v: number) => ({ w: tensor(new Float32Array(100_000).fill(v)) });
  await Promise.all([1, 2, 3, 4].map((v) => writeSafetensorsFile(path, big(v))));
  const data = (await readSafetensorsFile(path)).tensors.w.data;
  assert.ok([1, 2, 3, 4].includes(data[0]) && data.every((x) => x === data[0]));
  assert.equal(await readdir(dir), ['race.safetensors']);
});

files('atomic: a failure between the write and the rename leaves the target untouched and removes the temp file', async () => {
  // Patch fs.promises.rename (and FileHandle.sync, to see the order) as the writer sees them:
  // syncBuiltinESMExports carries a patch of the CommonJS object into the ESM bindings that
  // node.ts imported. A writer that wrote the target directly would change it before this point.
  const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  const path = join(dir, 'model.safetensors');
  await writeSafetensorsFile(path, { w: tensor([1, 2]) });
  const before = await readFile(path);
  const newBytes = io.saveSafetensors({ w: tensor([7, 8, 9]) });
  const probe = await open(path, 'r');
  const handleProto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const { rename: realRename } = fsp;
  const realSync = handleProto.sync;
  const events: string[] = [];
  let seen: { from: string; to: string; files: string[]; tempBytes: Uint8Array } | null = null;
  handleProto.sync = async function (this: unknown) {
    events.push('sync');
    return realSync.call(this);
  };
  (fsp as { rename: unknown }).rename = async (from: string, to: string) => {
    events.push('rename');
    seen = { from, to, files: await readdir(dir), tempBytes: new Uint8Array(await readFile(from)) };
    throw new Error('injected failure before the rename');
  };
  syncBuiltinESMExports();
  try {
    await assertRejects(writeSafetensorsFile(path, { w: tensor([7, 8, 9]) }), /injected failure before the rename/);
  } finally {
    (fsp as { rename: unknown }).rename = realRename;
    handleProto.sync = realSync;
    syncBuiltinESMExports();
  }
  assert.ok(seen !== null, 'the writer renames into place');
  const { from, to, files: during, tempBytes } = seen as { from: string; to: string; files: string[]; tempBytes: Uint8Array };
  assert.is(to, path);
  assert.is(dirname(from), dir, 'the temp file is in the target directory (a rename is atomic only within one file system)');
  assert.equal(tempBytes, newBytes, 'the temp file holds all the new bytes before the rename');
  assert.equal(during.sort(), [basename(from), 'model.safetensors'].sort());
  assert.equal(events, ['sync', 'rename'], 'the data is fsynced before the rename');
  assert.equal(await readFile(path), before, 'the target is untouched');
  assert.equal(await readdir(dir), ['model.safetensors'], 'the temp file is removed');
});

files('a state dict that cannot be saved touches nothing on disk', async () => {
  const path = join(dir, 'keep.safetensors');
  await writeSafetensorsFile(path, { w: tensor([1]) });
  const before = await readFile(path);
  await assertRejects(writeSafetensorsFile(path, { n: { tensor: tensor([0.5]), dtype: 'I64' } }), /not an integer/);
  assert.equal(await readFile(path), before);
  assert.equal(await readdir(dir), ['keep.safetensors']);
});

files('errors: a missing directory, a failed rename, a missing file, a corrupt file', async () => {
  await assertRejects(writeSafetensorsFile(join(dir, 'nope', 'x.safetensors'), { w: tensor([1]) }), /ENOENT/);
  assert.equal(await readdir(dir), []);
  await mkdir(join(dir, 'sub'));
  await assertRejects(writeSafetensorsFile(join(dir, 'sub'), { w: tensor([1]) }), /EISDIR|EPERM|ENOTEMPTY|EEXIST/);
  assert.equal(await readdir(dir), ['sub'], 'the temp file is removed when the rename fails');
  await assertRejects(readSafetensorsFile(join(dir, 'absent.safetensors')), /ENOENT/);
  const path = join(dir, 'bad.safetensors');
  await writeFile(path, Uint8Array.from([1, 2, 3]));
  await assertRejects(readSafetensorsFile(path), /file is 3 bytes, shorter than the 8-byte header length field/);
});

files('package.json exports the Node helpers as "longconv/node", types first, at the built path of src/io/node.ts', async () => {
  // build/test/io/node.test.js → the repository root.
  const root = new URL('../../../', import.meta.url);
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { exports: Record<string, Record<string, string>> };
  const entry = pkg.exports['./node'];
  assert.equal(Object.keys(entry), ['types', 'default'], 'types must be the first condition');
  // tsconfig.json compiles src/ to dist/, so src/io/node.ts becomes dist/io/node.{js,d.ts}.
  assert.equal(entry, { types: './dist/io/node.d.ts', default: './dist/io/node.js' });
  assert.ok((await stat(new URL('src/io/node.ts', root))).isFile());
});

/** uvu's assert.throws is synchronous; this is its counterpart for promises. */
async function assertRejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

files.run();
