// UTF-8 encoding and strict decoding, written out so that the io layer needs neither
// TextEncoder/TextDecoder (absent from the ES2022 library typings this package builds against)
// nor any Node module. The decoder rejects everything RFC 3629 rejects: stray continuation
// bytes, truncated sequences, overlong forms, surrogate code points and values above U+10FFFF.

/** UTF-8 bytes of a well-formed string (callers reject lone surrogates first). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
    } else if (cp < 0x800) {
      out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    } else {
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/** The decoded text, or the index of the first byte that does not start a valid sequence. */
export function decodeUtf8(bytes: Uint8Array): string | { invalidAt: number } {
  const chunks: string[] = [];
  let codePoints: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    // Sequence length, the lead byte's payload bits, and the smallest code point that needs
    // this many bytes (anything below it is an overlong form).
    let length: number;
    let cp: number;
    let min: number;
    if (lead < 0x80) [length, cp, min] = [1, lead, 0];
    else if (lead >= 0xc2 && lead <= 0xdf) [length, cp, min] = [2, lead & 0x1f, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, cp, min] = [3, lead & 0x0f, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, cp, min] = [4, lead & 0x07, 0x10000];
    else return { invalidAt: i };
    if (i + length > bytes.length) return { invalidAt: i };
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return { invalidAt: i };
      cp = (cp << 6) | (next & 0x3f);
    }
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return { invalidAt: i };
    codePoints.push(cp);
    // Flush in chunks: String.fromCodePoint takes its code points as arguments.
    if (codePoints.length === 8192) {
      chunks.push(String.fromCodePoint(...codePoints));
      codePoints = [];
    }
    i += length;
  }
  chunks.push(String.fromCodePoint(...codePoints));
  return chunks.join('');
}
