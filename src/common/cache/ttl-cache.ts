/** How a cache may serve an entry past its life (see `TtlCache`). */
export interface StaleWhileRevalidate {
  /** How long past `ttlMs` the last value is still served while one read in the background replaces it. */
  staleMs: number;
}

interface Entry<V> {
  value: Promise<V>;
  at: number;
  /** The value once the load resolved (only a resolved entry is served stale). */
  settled?: { value: V };
  revalidating?: boolean;
}

/**
 * A small in-process cache for read models: entries live `ttlMs`, concurrent misses on one key share
 * one load (a bus-poster rush on a cold entry costs one set of queries, not hundreds), failed loads
 * are not kept, and the oldest entry goes when `maxEntries` is reached (unknown slugs cannot grow it
 * without bound). Time comes from the caller so that tests move the clock instead of sleeping.
 *
 * With `swr`, an entry past its life is still served for `swr.staleMs` while one background read
 * replaces it: at each expiry nobody waits, instead of every reader of that instant waiting on a query
 * (and, on a saturated instance, on every turn of the event loop that query takes).
 *
 * Each instance has its own copy: with several instances a change shows everywhere within `ttlMs`
 * (and one read, with `swr`), which is the staleness the pages document; `delete` only clears this
 * instance.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
    private readonly swr?: StaleWhileRevalidate,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    const age = this.ageOf(hit, now);
    if (hit && age < this.ttlMs) return hit.value;
    if (hit?.settled && this.swr && age < this.ttlMs + this.swr.staleMs) {
      if (!hit.revalidating) this.revalidate(key, hit, load);
      return hit.value;
    }
    this.entries.delete(key);
    return this.start(key, load, now).value;
  }

  /**
   * The value cached for `key` if it may still be served, without waiting: a caller that must not wait
   * on a shared load (one holding a pooled connection) reads its own when there is none. Past its
   * life, one background read is started as `get` would.
   */
  peek(key: string, load?: () => Promise<V>): V | undefined {
    const hit = this.entries.get(key);
    const age = this.ageOf(hit, this.now());
    if (!hit?.settled) return undefined;
    if (age < this.ttlMs) return hit.settled.value;
    if (!this.swr || age >= this.ttlMs + this.swr.staleMs) return undefined;
    if (load && !hit.revalidating) this.revalidate(key, hit, load);
    return hit.settled.value;
  }

  /** Forgets the entries whose key starts with `prefix` (all of them without one). */
  delete(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A clock moved backwards (tests) counts as expired rather than as fresh for ever. */
  private ageOf(hit: Entry<V> | undefined, now: number): number {
    return hit && now >= hit.at ? now - hit.at : Infinity;
  }

  private start(key: string, load: () => Promise<V>, now: number): Entry<V> {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    const entry: Entry<V> = { value, at: now };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        entry.settled = { value: v };
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }

  /** One read in the background; its value replaces the entry unless the entry was deleted meanwhile. */
  private revalidate(key: string, hit: Entry<V>, load: () => Promise<V>): void {
    hit.revalidating = true;
    const at = this.now();
    let next: Promise<V>;
    try {
      next = load();
    } catch {
      hit.revalidating = false;
      return;
    }
    next.then(
      (v) => {
        if (this.entries.get(key) === hit) this.entries.set(key, { value: Promise.resolve(v), at, settled: { value: v } });
      },
      // A failed read keeps the last value until its staleness runs out; the next reader tries again.
      () => {
        hit.revalidating = false;
      },
    );
  }
}
