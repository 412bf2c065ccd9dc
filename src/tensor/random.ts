// Seeded pseudo-random numbers: xoshiro128** (Blackman and Vigna), seeded through splitmix32.
// The same seed gives bit-identical streams on every platform, and the whole state is four
// 32-bit words, so a training checkpoint can save and restore it exactly.

export type GeneratorState = [number, number, number, number];

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Reset the stream to the one that `seed` starts. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new RangeError(`Generator.manualSeed: seed must be a finite number, got ${seed}`);
    // splitmix32 expands one number into four well-mixed words (never all zero).
    let x = (Math.trunc(seed) >>> 0) ^ (Math.floor(Math.trunc(seed) / 4294967296) >>> 0);
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    return this;
  }

  /** The four state words as unsigned 32-bit integers (the xor steps leave them signed). */
  getState(): GeneratorState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: readonly number[]): this {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError(`Generator.setState: expected four 32-bit unsigned words, got [${state.join(',')}]`);
    }
    if (state.every((w) => w === 0)) throw new RangeError('Generator.setState: the all-zero state is not valid');
    [this.s0, this.s1, this.s2, this.s3] = state as GeneratorState;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (exact in float64). */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits: exact in float32 and never rounds up to 1. */
  random24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** A pair of independent standard normals (Box-Muller); u1 in (0, 1] keeps the log finite. */
  normalPair(): [number, number] {
    const u1 = 1 - this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when an op is not given one. */
export const defaultGenerator = new Generator(0);

/** Seed the default generator: the same seed gives bit-identical results. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
