import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { firstRow } from './sql';

export interface ThrottleSettings {
  /** Failures of one account within the window that lock it. */
  accountLimit: number;
  accountWindowSeconds: number;
  accountLockSeconds: number;
  /** Failures from one IP within the window after which that IP is refused until the window ends. */
  ipLimit: number;
  ipWindowSeconds: number;
}

export function throttleSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ThrottleSettings {
  return {
    accountLimit: Number(env.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 5),
    accountWindowSeconds: Number(env.LOGIN_ACCOUNT_WINDOW_SECONDS ?? 900),
    accountLockSeconds: Number(env.LOGIN_ACCOUNT_LOCK_SECONDS ?? 900),
    ipLimit: Number(env.LOGIN_MAX_FAILURES_PER_IP ?? 20),
    ipWindowSeconds: Number(env.LOGIN_IP_WINDOW_SECONDS ?? 900),
  };
}

type Scope = 'account' | 'ip';

/** The keys one login attempt is counted under. */
export interface AttemptKeys {
  /** `customer:<email>` or `staff:<email>`, whether such an account exists or not. */
  account: string;
  ip: string | null;
}

/**
 * Brute-force protection, in the database so that it holds across instances.
 *
 * An attempt is counted *before* the password is checked (`begin` increments the counters
 * in one atomic statement per scope and refuses when a limit is reached), so that any
 * number of attempts, whether sequential, in parallel, or as aliases in one request, can
 * never check more passwords than the limits allow. Afterwards `failed` locks when the
 * count reached the limit; `succeeded` clears the account's count and takes the attempt
 * back from the IP's (only failures count there); `undo` takes it back from both (a
 * correct password that still needs its MFA code).
 */
export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    readonly settings: ThrottleSettings,
  ) {}

  /** Counts the attempt or throws ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS. */
  async begin(keys: AttemptKeys): Promise<void> {
    const account = await this.count('account', keys.account, this.settings.accountWindowSeconds);
    const ip = keys.ip ? await this.count('ip', keys.ip, this.settings.ipWindowSeconds) : null;
    if (ip && (ip.lockedUntil || ip.attempts > this.settings.ipLimit)) {
      // This attempt was not a guess at the account's password: give its count back.
      if (!account.lockedUntil) await this.takeBack('account', keys.account);
      await this.lock('ip', keys.ip!);
      throw new DomainError(
        'TOO_MANY_ATTEMPTS',
        'Too many failed sign-ins from this address; try again later',
      );
    }
    if (account.lockedUntil || account.attempts > this.settings.accountLimit) {
      await this.lock('account', keys.account);
      throw new DomainError(
        'ACCOUNT_LOCKED',
        'This account is temporarily locked after too many failed sign-ins',
      );
    }
  }

  /** Records the outcome of a failed check; returns true when the account is now locked. */
  async failed(keys: AttemptKeys): Promise<boolean> {
    if (keys.ip) await this.lockWhenReached('ip', keys.ip, this.settings.ipLimit);
    return this.lockWhenReached('account', keys.account, this.settings.accountLimit);
  }

  async succeeded(keys: AttemptKeys): Promise<void> {
    await this.db.query(
      `UPDATE identity.login_throttle SET attempts = 0, locked_until = NULL WHERE scope = 'account' AND key = $1`,
      [keys.account],
    );
    if (keys.ip) await this.takeBack('ip', keys.ip);
  }

  async undo(keys: AttemptKeys): Promise<void> {
    await this.takeBack('account', keys.account);
    if (keys.ip) await this.takeBack('ip', keys.ip);
  }

  /** Unlocks an account (after a password reset, say). */
  async clearAccount(account: string): Promise<void> {
    await this.db.query(
      `DELETE FROM identity.login_throttle WHERE scope = 'account' AND key = $1`,
      [account],
    );
  }

  /**
   * One atomic upsert: a locked key stays as it is; an elapsed window starts again at 1;
   * otherwise the count goes up by one. Returns the count including this attempt.
   */
  private async count(scope: Scope, key: string, windowSeconds: number) {
    const row = (await firstRow(
      this.db,
      `INSERT INTO identity.login_throttle AS t (scope, key, window_start, attempts)
       VALUES ($1, $2, now(), 1)
       ON CONFLICT (scope, key) DO UPDATE SET
         attempts = CASE
           WHEN t.locked_until > now() THEN t.attempts
           WHEN t.window_start <= now() - make_interval(secs => $3) THEN 1
           ELSE t.attempts + 1 END,
         window_start = CASE
           WHEN t.locked_until > now() THEN t.window_start
           WHEN t.window_start <= now() - make_interval(secs => $3) THEN now()
           ELSE t.window_start END,
         locked_until = CASE WHEN t.locked_until > now() THEN t.locked_until END
       RETURNING attempts, locked_until`,
      [scope, key, windowSeconds],
    ))!;
    return { attempts: Number(row.attempts), lockedUntil: row.locked_until as Date | null };
  }

  private async lockWhenReached(scope: Scope, key: string, limit: number): Promise<boolean> {
    const row = await firstRow(
      this.db,
      `UPDATE identity.login_throttle SET locked_until = ${this.lockEnd(scope)}
        WHERE scope = $1 AND key = $2 AND attempts >= $3 AND locked_until IS NULL
        RETURNING locked_until`,
      [scope, key, limit],
    );
    return row !== null;
  }

  private async lock(scope: Scope, key: string): Promise<void> {
    await this.db.query(
      `UPDATE identity.login_throttle SET locked_until = ${this.lockEnd(scope)}
        WHERE scope = $1 AND key = $2 AND locked_until IS NULL`,
      [scope, key],
    );
  }

  /** An account is locked for a fixed time; an IP until its counting window ends. */
  private lockEnd(scope: Scope): string {
    return scope === 'account'
      ? `now() + make_interval(secs => ${Number(this.settings.accountLockSeconds)})`
      : `window_start + make_interval(secs => ${Number(this.settings.ipWindowSeconds)})`;
  }

  private async takeBack(scope: Scope, key: string): Promise<void> {
    await this.db.query(
      `UPDATE identity.login_throttle SET attempts = GREATEST(attempts - 1, 0)
        WHERE scope = $1 AND key = $2 AND locked_until IS NULL`,
      [scope, key],
    );
  }
}
