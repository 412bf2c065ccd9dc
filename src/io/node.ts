// Node-only file helpers for safetensors state dicts. Not re-exported from `src/io/index.ts`,
// so the browser-safe core never imports a Node module; users import them from the package's
// `longconv/node` subpath (package.json "exports"), the CLI imports this file by path.
//
// The writer is atomic: it writes a temporary file in the target's own directory (a rename is
// atomic only within one file system), flushes it to disk with fsync, renames it over the
// target, then fsyncs the directory so the rename itself survives a crash. A reader therefore
// sees the old file or the new one, never a torn mix; on any failure the temp file is removed.

/// <reference types="node" />
import { open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { saveSafetensors, type SafetensorsEntry } from './save.js';
import { loadSafetensors, type LoadedSafetensors } from './load.js';

/** Serialise and write atomically (temp file, fsync, rename, fsync of the directory). */
export async function writeSafetensorsFile(
  path: string,
  tensors: Record<string, SafetensorsEntry>,
  metadata?: Record<string, string>,
): Promise<void> {
  // Serialise first: a state dict that cannot be saved must not touch the disk at all.
  const bytes = saveSafetensors(tensors, metadata);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // An overwrite keeps the old file's permission bits; a new file gets the usual 0o666 & ~umask.
  const mode = await stat(path).then((s) => s.mode & 0o777, () => undefined);

  const handle = await open(temp, 'wx'); // 'wx': fail rather than reuse a stray file of that name
  try {
    try {
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Read a whole file and parse it with `loadSafetensors` (every check applies). */
export async function readSafetensorsFile(path: string): Promise<LoadedSafetensors> {
  const buffer = await readFile(path);
  // A plain Uint8Array over the same memory: Buffer's own slice() shares memory, unlike
  // Uint8Array's, so hand the parser the standard type it was written for.
  return loadSafetensors(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
}

/**
 * Make the rename durable. POSIX systems fsync a directory opened read-only; Windows cannot
 * open a directory this way and some file systems refuse the fsync. The new file is already in
 * place by then, so this step is best effort and its failure is not the caller's failure.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here; the data itself was fsynced before the rename.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
