/**
 * A small in-process cache for read models: entries live `ttlMs`, concurrent misses on one key share
 * one load (a bus-poster rush on a cold entry costs one set of queries, not hundreds), failed loads
 * are not kept, and the oldest entry goes when `maxEntries` is reached (unknown slugs cannot grow it
 * without bound). Time comes from the caller so that tests move the clock instead of sleeping.
 *
 * Each instance has its own copy: with several instances a change shows everywhere within `ttlMs`,
 * which is the staleness the pages document; `delete` only clears this instance.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    // A clock moved backwards (tests) counts as expired rather than as fresh for ever.
    if (hit && now >= hit.at && now - hit.at < this.ttlMs) return hit.value;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    this.entries.set(key, { value, at: now });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets the entries whose key starts with `prefix` (all of them without one). */
  delete(prefix = ''): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
