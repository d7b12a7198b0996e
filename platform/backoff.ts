/** What a delivery queue (notifications, webhooks) does after a failed attempt: wait this long, or give up (dead letter). */
export type AfterFailure = { dead: true } | { dead: false; delayMs: number };

/**
 * Exponential backoff: the n-th failure waits base × 2^(n-1), capped; the `maxAttempts`-th
 * failure is final. Pure, so the schedule is tested without a clock.
 */
export function afterFailure(
  attempts: number,
  policy: { maxAttempts: number; baseMs: number; maxMs: number },
): AfterFailure {
  if (attempts >= policy.maxAttempts) return { dead: true };
  const delayMs = Math.min(policy.baseMs * 2 ** Math.max(attempts - 1, 0), policy.maxMs);
  return { dead: false, delayMs };
}
