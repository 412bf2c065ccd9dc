// Duplicate keys in a JSON text. JSON.parse keeps the last of two equal keys without a word, so
// a header could show one tensor to this loader and another to a reader that keeps the first.
// This scanner walks a text that JSON.parse has already accepted, tracks the objects it is
// inside, and compares each object's keys after unescaping them ("w" and "\u0077" are equal).

/** Where a duplicate sits: `path` is the chain of keys leading to the object that holds it. */
export interface DuplicateKey {
  key: string;
  path: string[];
}

interface Frame {
  /** Keys seen so far in this object; null for an array. */
  keys: Set<string> | null;
  /** True right after `{` or `,` inside an object: the next string is a key. */
  expectKey: boolean;
  /** The last key read in this object (names the child object that opens next). */
  lastKey: string;
  path: string[];
}

/** The first repeated key in any object of a valid JSON text, or null when there is none. */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = endOfString(text, i);
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.expectKey = false;
        top.lastKey = key;
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      const path = top === undefined ? [] : top.keys !== null ? [...top.path, top.lastKey] : top.path;
      stack.push({ keys: c === '{' ? new Set() : null, expectKey: c === '{', lastKey: '', path });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top !== undefined && top.keys !== null) {
      top.expectKey = true;
    }
    i++;
  }
  return null;
}

/** Index just past the closing quote of the string literal that opens at `start`. */
function endOfString(text: string, start: number): number {
  let j = start + 1;
  while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}
