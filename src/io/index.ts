// The byte-level safetensors API: works on Uint8Array only, imports nothing from Node, so it runs
// in a browser too. The file helpers (atomic write, read) live in `src/io/node.ts`, published as
// `longconv/node` and imported by path by the CLI, and are deliberately not re-exported here.

export { saveSafetensors, type SafetensorsEntry } from './save.js';
export { loadSafetensors, type LoadedSafetensors } from './load.js';
export { SafetensorsError, type SafetensorsDType } from './format.js';
