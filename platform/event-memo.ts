/**
 * One answer per event for every subscriber of a process: when a change reaches ten
 * thousand subscriptions of one SKU, the state they all resolve is read once, not ten
 * thousand times. An entry is as fresh as the first subscriber's read, which came after
 * the event was committed, so no subscriber sees less than the change it was told of.
 * Entries live `ttlMs` (a burst of deliveries of one event) and at most `maxEntries` are
 * kept; a failed read is not kept, so the next subscriber reads again.
 */
export class EventMemo<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expires: number }>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.expires > now) return entry.value;
    const value = read();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    // Map keeps insertion order: the oldest entries go first.
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }
}
