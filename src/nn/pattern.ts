// Layer pattern strings: one letter per layer, with repetition, as the SGConv paper writes its
// hybrid, {A, A, C} × 3 + {A, C, C} × 3 = "AAC*3+ACC*3".
//   A  attention (causal in a language model)      W  sliding-window attention
//   C  SGConv      L  long convolution      S  S4      D  S4D

export const LAYER_LETTERS = ['A', 'W', 'C', 'L', 'S', 'D'] as const;
export type LayerLetter = (typeof LAYER_LETTERS)[number];

export const LAYER_NAMES: Record<LayerLetter, string> = {
  A: 'attention', W: 'sliding-window attention', C: 'SGConv', L: 'long convolution', S: 'S4', D: 'S4D',
};

/**
 * Expand a pattern into one letter per layer. "AAC*3+ACC*3" is AAC three times then ACC three
 * times; a plain group without a count is taken once. With `layers`, a pattern shorter than
 * that is repeated cyclically and a longer one is an error.
 */
export function expandPattern(pattern: string, layers?: number): LayerLetter[] {
  const text = pattern.replace(/\s+/g, '').toUpperCase();
  if (text === '') throw new RangeError('pattern: empty layer pattern');
  const letters: LayerLetter[] = [];
  for (const group of text.split('+')) {
    const m = /^([A-Z]+)(?:\*(\d+))?$/.exec(group);
    if (m === null) throw new RangeError(`pattern: cannot read '${group}' in '${pattern}' (expected letters, optionally followed by *count, groups joined by +)`);
    const bad = [...m[1]].find((c) => !(LAYER_LETTERS as readonly string[]).includes(c));
    if (bad !== undefined) throw new RangeError(`pattern: unknown layer letter '${bad}' in '${pattern}' (known: ${LAYER_LETTERS.map((l) => `${l} ${LAYER_NAMES[l]}`).join(', ')})`);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count < 1) throw new RangeError(`pattern: repeat count must be ≥ 1 in '${group}'`);
    for (let i = 0; i < count; i++) letters.push(...(m[1] as string).split('') as LayerLetter[]);
  }
  if (layers === undefined) return letters;
  if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`pattern: layers must be a positive integer, got ${layers}`);
  if (letters.length > layers) throw new RangeError(`pattern: '${pattern}' has ${letters.length} layers, more than the ${layers} asked for`);
  return Array.from({ length: layers }, (_, i) => letters[i % letters.length]);
}
