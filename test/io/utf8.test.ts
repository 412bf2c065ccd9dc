// The io layer's own UTF-8 codec and duplicate-key scanner, checked against Node's.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeUtf8, encodeUtf8 } from '../../src/io/utf8.js';
import { findDuplicateKey } from '../../src/io/json-keys.js';

const utf8 = suite('utf8 and json keys');

utf8('encodes and decodes like Node for every width of sequence', () => {
  const text = `ascii é € 𝄞 🙂 ${'\u07ff\u0800\uffff'} \u{10ffff} ${'x'.repeat(20000)}`;
  const bytes = encodeUtf8(text);
  assert.equal(bytes, new Uint8Array(Buffer.from(text, 'utf8')));
  assert.is(decodeUtf8(bytes), text);
  assert.is(decodeUtf8(new Uint8Array(0)), '');
});

utf8('rejects what RFC 3629 rejects, at the offending byte', () => {
  const bad: [number[], number][] = [
    [[0x61, 0x80], 1], // stray continuation byte
    [[0xc0, 0x80], 0], // overlong NUL
    [[0xe0, 0x80, 0xaf], 0], // overlong "/"
    [[0xed, 0xa0, 0x80], 0], // surrogate U+D800
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0xf5, 0x80, 0x80, 0x80], 0], // invalid lead byte
    [[0x61, 0x62, 0xe2, 0x82], 2], // truncated at the end
    [[0xe2, 0x28, 0xa1], 0], // bad continuation
  ];
  for (const [bytes, at] of bad) assert.equal(decodeUtf8(Uint8Array.from(bytes)), { invalidAt: at }, bytes.join(' '));
});

utf8('finds duplicate keys at any depth, after unescaping, and ignores arrays and strings', () => {
  assert.is(findDuplicateKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}],"d":"\\"a\\""}'), null);
  assert.equal(findDuplicateKey('{"a":1,"\\u0061":2}'), { key: 'a', path: [] });
  assert.equal(findDuplicateKey('{"t":{"x":[1,{"k":1}],"y":{"k":1,"k":2}}}'), { key: 'k', path: ['t', 'y'] });
  assert.equal(findDuplicateKey('{"t":{"x":1,"x":2}}'), { key: 'x', path: ['t'] });
  assert.equal(findDuplicateKey('{"s":"{\\"q\\":1,\\"q\\":2}", "s":0}'), { key: 's', path: [] });
});

utf8.run();
