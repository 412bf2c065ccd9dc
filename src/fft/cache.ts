// The per-length tables (power-of-two plans, Bluestein chirps, real-FFT twiddles) live in small
// least-recently-used caches keyed by n. Unbounded maps would keep a table for every length a
// program ever transformed, and Bluestein serves every n, so a sweep over lengths would grow
// without end. Each cache holds at most `capacity` lengths (64 by default) and drops the one
// used longest ago when a new one comes in; `releasePlans()` drops them all (a 2^20 plan alone
// holds ~40 MB of tables).
//
// A hit costs one Map lookup and one counter store: each entry carries the tick of its last use,
// and only an insertion past capacity scans the entries for the oldest. Kernels fetch their table
// once per row, so hits must stay that cheap.

interface Entry<T> {
  readonly value: T;
  used: number;
}

const caches: LengthCache<unknown>[] = [];

export class LengthCache<T> {
  private readonly entries = new Map<number, Entry<T>>();
  private clock = 0;

  constructor(private readonly build: (n: number) => T, readonly capacity = 64) {
    caches.push(this as LengthCache<unknown>);
  }

  /** The table for length n, built on first use (a build that throws changes nothing). */
  get(n: number): T {
    let entry = this.entries.get(n);
    if (entry === undefined) {
      entry = { value: this.build(n), used: 0 };
      if (this.entries.size >= this.capacity) this.evictOldest();
      this.entries.set(n, entry);
    }
    entry.used = ++this.clock;
    return entry.value;
  }

  /** How many lengths are held now. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private evictOldest(): void {
    let oldest = -1;
    let tick = Infinity;
    for (const [n, e] of this.entries) {
      if (e.used < tick) {
        tick = e.used;
        oldest = n;
      }
    }
    this.entries.delete(oldest);
  }
}

/** Drop every cached plan and table (they are rebuilt on the next transform of each length). */
export function releasePlans(): void {
  for (const c of caches) c.clear();
}
