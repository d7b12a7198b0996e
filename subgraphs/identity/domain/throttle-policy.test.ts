import { decide, giveBack, type Counter, type Limit } from './throttle-policy';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const slow: Limit = { max: 3, windowSeconds: 900, slowdown: { baseSeconds: 30, maxSeconds: 900 } };
const fixed: Limit = { max: 2, windowSeconds: 60 };

function run(limit: Limit, times: number[]) {
  let counter: Counter | null = null;
  return times.map((t) => {
    const decision = decide(counter, limit, at(t));
    if (decision.allowed) counter = decision.next;
    return decision.allowed ? 'ok' : decision.retryAfterSeconds;
  });
}

describe('throttle policy', () => {
  it('slows down after max attempts with a doubling pause, capped, never a lock', () => {
    expect(run(slow, [0, 1, 2, 3, 32, 33, 93, 94])).toEqual([
      'ok',
      'ok',
      'ok',
      29,
      'ok',
      59,
      'ok',
      119,
    ]);
    // Always trying again the moment a pause ends: the pause grows to its cap and stays there.
    let counter: Counter | null = null;
    let t = 0;
    for (let i = 0; i < 40; i += 1) {
      const decision = decide(counter, slow, at(t));
      expect(decision.allowed).toBe(true);
      if (decision.allowed) counter = decision.next;
      t = counter!.blockedUntil ? (+counter!.blockedUntil - +at(0)) / 1000 : t + 1;
    }
    expect((+counter!.blockedUntil! - +counter!.windowStart) / 1000).toBe(0);
    const last = decide(counter, slow, counter!.blockedUntil!);
    expect(last.allowed && (+last.next.blockedUntil! - +counter!.blockedUntil!) / 1000).toBe(900);
  });

  it('refuses beyond max until the window ends', () => {
    expect(run(fixed, [0, 1, 2, 59, 60, 61, 62])).toEqual(['ok', 'ok', 58, 1, 'ok', 'ok', 58]);
  });

  it('gives an attempt back and lifts the pause it set', () => {
    const third = decide({ attempts: 2, windowStart: at(0), blockedUntil: null }, slow, at(1));
    expect(third.allowed && third.next.blockedUntil).toEqual(at(31));
    if (!third.allowed) throw new Error('expected allowed');
    expect(giveBack(third.next, slow)).toEqual({
      attempts: 2,
      windowStart: at(31),
      blockedUntil: null,
    });
  });
});
