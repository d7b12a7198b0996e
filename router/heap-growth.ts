import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, before
 * it collects again: 1 + percent/100 times (ROUTER_HEAP_GROWTH_PERCENT; 0 leaves V8's own
 * choice). Left to itself V8 picks up to 4 times for a heap that is cheap to collect, and a
 * router holding ten thousand subscribers keeps about 140 MiB live: a fan-out to all of them
 * (a few short-lived objects per subscriber, promoted because they outlive a young
 * collection) then grows the heap far past that before anything is collected. With 50 the
 * router collects sooner and holds about as much as it keeps (`npm run bench --
 * subscriptions`, README "Subscriptions at scale"). V8 reads the flag at each collection,
 * so it can be set once the process runs; the entry point sets it before anything else.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
