/**
 * What one attempt does to one counter: plain values in, plain values out, so the rules
 * are tested without a database (throttle.ts keeps the counters in PostgreSQL).
 *
 * - `window`: at most `max` attempts per window, then refused until the window ends
 *   (registrations, reset requests, mails, failures from one IP).
 * - `slowdown`: `max` attempts come freely; from then on each attempt is followed by a
 *   pause that doubles (base, 2×base, … up to maxDelay), during which attempts are refused
 *   without a password check. A success clears the counter. Nothing is ever locked for
 *   good: a source that keeps guessing gets one guess per pause, the owner elsewhere none
 *   of its pauses.
 */
export interface Limit {
  max: number;
  windowSeconds: number;
  slowdown?: { baseSeconds: number; maxSeconds: number };
}

export interface Counter {
  attempts: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

export type Decision =
  { allowed: true; next: Counter } | { allowed: false; retryAfterSeconds: number };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function decide(counter: Counter | null, limit: Limit, now: Date): Decision {
  const blocked = counter?.blockedUntil && counter.blockedUntil > now ? counter.blockedUntil : null;
  if (blocked) return { allowed: false, retryAfterSeconds: seconds(+blocked - +now) };
  const windowEnd = counter ? +counter.windowStart + limit.windowSeconds * 1000 : 0;
  const current: Counter =
    !counter || windowEnd <= +now ? { attempts: 0, windowStart: now, blockedUntil: null } : counter;
  if (!limit.slowdown) {
    if (current.attempts >= limit.max) {
      return {
        allowed: false,
        retryAfterSeconds: seconds(+current.windowStart + limit.windowSeconds * 1000 - +now),
      };
    }
    return { allowed: true, next: { ...current, attempts: current.attempts + 1 } };
  }
  const attempts = current.attempts + 1;
  if (attempts < limit.max) return { allowed: true, next: { ...current, attempts } };
  // This attempt is allowed; the next one waits. The pause is set before the password is
  // checked, so parallel attempts cannot slip through while this one is being checked.
  const { baseSeconds, maxSeconds } = limit.slowdown;
  const pause = Math.min(maxSeconds, baseSeconds * 2 ** Math.min(attempts - limit.max, 20));
  const blockedUntil = new Date(+now + pause * 1000);
  // The counter is forgotten only after a quiet window that starts when the pause ends.
  return { allowed: true, next: { attempts, windowStart: blockedUntil, blockedUntil } };
}

/** Gives one attempt back (a right password that still needs its code). */
export function giveBack(counter: Counter, limit: Limit): Counter {
  const attempts = Math.max(0, counter.attempts - 1);
  return {
    ...counter,
    attempts,
    blockedUntil: limit.slowdown && attempts < limit.max ? null : counter.blockedUntil,
  };
}
