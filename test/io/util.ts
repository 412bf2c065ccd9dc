// Hand-built safetensors files for the io tests: a header text and raw data bytes in, the file
// bytes out, so that a test states the exact layout it means instead of trusting the writer.

/** 8-byte little-endian header length, the header (space-padded to 8 unless `pad: false`), data. */
export function fileFrom(header: string, data: ArrayLike<number> = [], opts: { pad?: boolean; length?: bigint } = {}): Uint8Array {
  let headerBytes = Buffer.from(header, 'utf8');
  if (opts.pad !== false) headerBytes = Buffer.concat([headerBytes, Buffer.alloc((8 - (headerBytes.length % 8)) % 8, 0x20)]);
  return concat(u64(opts.length ?? BigInt(headerBytes.length)), headerBytes, Uint8Array.from(data));
}

/** A u64 in little-endian bytes. */
export function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

export function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer); // the test machines are little-endian
}

export function f64Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

export function i64Bytes(values: bigint[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values).buffer);
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The header text of a file (after the length field, padding included). */
export function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
}

/** A one-entry tensor header: `{"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]}}`. */
export function entry(name: string, dtype: string, shape: number[], begin: number, end: number): string {
  return `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${begin},${end}]}`;
}
