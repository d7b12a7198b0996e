import type { DataSource } from 'typeorm';
import type { IdentityConfig } from '../config';
import { decide, giveBack, type Counter, type Limit } from './throttle-policy';

/** One counter an attempt is counted under: `scope` names the rule, `key` whose attempts they are. */
export interface Check {
  scope: string;
  key: string;
  limit: Limit;
}

export type Outcome =
  { allowed: true } | { allowed: false; scope: string; retryAfterSeconds: number };

interface Row {
  scope: string;
  key: string;
  attempts: number;
  window_start: Date;
  locked_until: Date | null;
  now: Date;
}

const byScopeAndKey = (a: Check, b: Check) =>
  a.scope === b.scope ? (a.key < b.key ? -1 : 1) : a.scope < b.scope ? -1 : 1;

/**
 * Attempt counters in PostgreSQL (`identity.login_throttle`), so that they hold across
 * instances. `attempt` counts one attempt under every check or under none, in one
 * transaction holding the counters' row locks: aliases in one request, batches and
 * parallel requests are each counted, and never get past a limit together.
 */
export class Throttles {
  constructor(private readonly db: DataSource) {}

  async attempt(checks: Check[]): Promise<Outcome> {
    const sorted = [...checks].sort(byScopeAndKey);
    if (!sorted.length) return { allowed: true };
    return this.db.transaction(async (tx) => {
      for (const check of sorted) {
        await tx.query(
          `INSERT INTO identity.login_throttle (scope, key, window_start, attempts)
           VALUES ($1, $2, now(), 0) ON CONFLICT DO NOTHING`,
          [check.scope, check.key],
        );
      }
      const found = await this.lockRows(tx, sorted);
      const decisions = sorted.map((check) => {
        const row = found.get(`${check.scope}\n${check.key}`)!;
        return { check, decision: decide(counterOf(row), check.limit, row.now) };
      });
      const refused = decisions.find((d) => !d.decision.allowed);
      if (refused && !refused.decision.allowed) {
        return {
          allowed: false as const,
          scope: refused.check.scope,
          retryAfterSeconds: refused.decision.retryAfterSeconds,
        };
      }
      for (const { check, decision } of decisions) {
        if (decision.allowed) await this.write(tx, check, decision.next);
      }
      return { allowed: true as const };
    });
  }

  /** Takes one attempt back (only failures count under this check). */
  async giveBack(check: Check): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = (await this.lockRows(tx, [check])).get(`${check.scope}\n${check.key}`);
      if (row) await this.write(tx, check, giveBack(counterOf(row), check.limit));
    });
  }

  async clear(scope: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM identity.login_throttle WHERE scope = $1 AND key = $2`, [
      scope,
      key,
    ]);
  }

  /** Whether a counter is pausing its source right now. */
  async isPaused(scope: string, key: string): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT 1 FROM identity.login_throttle WHERE scope = $1 AND key = $2 AND locked_until > now()`,
      [scope, key],
    );
    return !!row;
  }

  /** Forgets every counter of `scope` whose key starts with `prefix`. */
  async clearPrefix(scope: string, prefix: string): Promise<void> {
    await this.db.query(
      `DELETE FROM identity.login_throttle WHERE scope = $1 AND left(key, length($2)) = $2`,
      [scope, prefix],
    );
  }

  private async lockRows(tx: Queryable, checks: Check[]): Promise<Map<string, Row>> {
    const rows: Row[] = await tx.query(
      `SELECT t.scope, t.key, t.attempts, t.window_start, t.locked_until, now() AS now
         FROM identity.login_throttle t
         JOIN unnest($1::text[], $2::text[]) AS k(scope, key) ON k.scope = t.scope AND k.key = t.key
        ORDER BY t.scope, t.key
        FOR UPDATE OF t`,
      [checks.map((c) => c.scope), checks.map((c) => c.key)],
    );
    return new Map(rows.map((row) => [`${row.scope}\n${row.key}`, row]));
  }

  private async write(tx: Queryable, check: Check, next: Counter): Promise<void> {
    await tx.query(
      `UPDATE identity.login_throttle SET attempts = $3, window_start = $4, locked_until = $5
        WHERE scope = $1 AND key = $2`,
      [check.scope, check.key, next.attempts, next.windowStart, next.blockedUntil],
    );
  }
}

interface Queryable {
  query(text: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function counterOf(row: Row): Counter {
  return {
    attempts: Number(row.attempts),
    windowStart: new Date(row.window_start),
    blockedUntil: row.locked_until ? new Date(row.locked_until) : null,
  };
}

/** The limits of every throttled use case, from the configuration. */
export function throttleLimitsFrom(config: IdentityConfig) {
  const slowdown = {
    baseSeconds: config.LOGIN_SLOWDOWN_BASE_SECONDS,
    maxSeconds: config.LOGIN_SLOWDOWN_MAX_SECONDS,
  };
  const perHour = (max: number): Limit => ({
    max,
    windowSeconds: config.ACCOUNT_REQUEST_WINDOW_SECONDS,
  });
  return {
    loginSource: {
      max: config.LOGIN_MAX_FAILURES_PER_SOURCE,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
      slowdown,
    },
    loginAccount: {
      max: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
      slowdown,
    },
    loginIp: { max: config.LOGIN_MAX_FAILURES_PER_IP, windowSeconds: config.LOGIN_WINDOW_SECONDS },
    mfaBypass: {
      max: config.LOGIN_MFA_BYPASS_PER_ACCOUNT,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
    },
    registerIp: perHour(config.REGISTER_MAX_PER_IP),
    registerEmail: perHour(config.REGISTER_MAX_PER_EMAIL),
    resetIp: perHour(config.PASSWORD_RESET_MAX_PER_IP),
    resetEmail: perHour(config.PASSWORD_RESET_MAX_PER_EMAIL),
    mailsPerAddress: { max: config.MAILS_PER_ADDRESS_PER_HOUR, windowSeconds: 3600 },
  } satisfies Record<string, Limit>;
}

export type ThrottleLimits = ReturnType<typeof throttleLimitsFrom>;
