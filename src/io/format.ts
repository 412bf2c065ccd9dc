// The pieces of the safetensors format that the reader and the writer share: the dtype table,
// the header cap, the reserved metadata key, and the error type.
//
// Format (huggingface/safetensors): 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON
// header, then the data section. docs/io.md draws the layout and lists every rule.

/** Every malformed file or unsavable state dict: the message names the tensor and the numbers. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The safetensors dtypes this library reads and writes. */
export type SafetensorsDType = 'F32' | 'F64' | 'I64' | 'BOOL';

/**
 * Bytes per element. The library's storage is float only: I64 is read into float64, exactly,
 * within ±2^53, and BOOL (one byte, 0 or 1, as PyTorch writes it) into float64 0 and 1.
 */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = { F32: 4, F64: 8, I64: 8, BOOL: 1 };

export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return value === 'F32' || value === 'F64' || value === 'I64' || value === 'BOOL';
}

/** The reference implementation refuses headers above 100,000,000 bytes; so do we, both ways. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The top-level header key that holds free-form string metadata instead of a tensor. */
export const METADATA_KEY = '__metadata__';

/** Largest magnitude up to which every integer is exact in a float64. */
export const EXACT_INTEGER_LIMIT = 2 ** 53;

/** True for a string holding a UTF-16 surrogate without its partner: it has no UTF-8 form. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

const SHOW_LIMIT = 80;

/**
 * A header value for an error message, cut short so that a hostile header cannot flood the
 * message. Only primitives and flat arrays of primitives are printed; anything else is named by
 * its kind. Stringifying a nested value is not safe here: JSON.parse accepts arrays nested
 * thousands deep, and JSON.stringify recurses through them until the stack overflows, which
 * would replace the SafetensorsError with a bare RangeError.
 */
export function show(value: unknown): string {
  let text: string;
  if (isPrimitive(value)) {
    text = showPrimitive(value);
  } else if (Array.isArray(value) && value.every(isPrimitive)) {
    // Element by element, stopping once past the limit: a long flat array costs no more.
    text = '[';
    for (let i = 0; i < value.length && text.length <= SHOW_LIMIT; i++) text += (i > 0 ? ',' : '') + showPrimitive(value[i]);
    text += ']';
  } else {
    return Array.isArray(value) ? '(a nested array)' : `(${kindOf(value)})`;
  }
  return text.length > SHOW_LIMIT ? `${text.slice(0, SHOW_LIMIT - 3)}...` : text;
}

type Primitive = string | number | boolean | null;

function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Numbers as String() gives them (JSON would print Infinity as null); the rest as JSON. */
function showPrimitive(value: Primitive): string {
  if (typeof value === 'number') return String(value);
  // Cut a long string before escaping it, so a 100 MB name is not copied to be cut.
  if (typeof value === 'string' && value.length > SHOW_LIMIT) return JSON.stringify(value.slice(0, SHOW_LIMIT));
  return JSON.stringify(value);
}

/** `null`, `array` or the `typeof` name: what a header value turned out to be. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
