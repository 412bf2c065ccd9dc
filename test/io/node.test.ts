// The Node file helpers: atomic write (temp file, fsync, rename), read back through the same
// validating loader, no temp files left behind on success or failure.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
