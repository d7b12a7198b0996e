import { DomainError } from '../../../platform/errors';
import { IdentityErrorCode } from '../errors';
import type { Check, ThrottleLimits, Throttles } from './throttle';

/** The keys one sign-in attempt is counted under. */
export interface AttemptKeys {
  /** `customer:<email>` or `staff:<email>`, whether such an account exists or not. */
  account: string;
  ip: string | null;
}

/**
 * Brute-force protection for sign-in that never locks the owner out. Every attempt is
 * counted before the password is checked, under three counters:
 * - the account from this source (account and IP): 5 attempts, then a doubling pause
 *   between attempts from that source only, so a guesser elsewhere cannot keep the owner out;
 * - the account from everywhere: a higher limit (20) for guessing spread over many
 *   addresses, also a pause rather than a lock;
 * - the source alone: 20 failures per window across accounts (password spraying).
 * A paused account still lets in a correct password with a verified second factor
 * (`mfaBypass`, itself counted), and a password reset clears its counters.
 */
export class LoginThrottle {
  constructor(
    private readonly throttles: Throttles,
    private readonly limits: ThrottleLimits,
  ) {}

  /** Counts the attempt or throws TOO_MANY_ATTEMPTS (nothing is counted then). */
  async begin(keys: AttemptKeys): Promise<void> {
    const outcome = await this.throttles.attempt(this.checks(keys));
    if (!outcome.allowed) {
      throw new DomainError(
        IdentityErrorCode.TOO_MANY_ATTEMPTS,
        `Too many failed sign-ins; try again in ${outcome.retryAfterSeconds} seconds`,
      );
    }
  }

  /** Whether further attempts from this source now wait (for the audit log). */
  failed(keys: AttemptKeys): Promise<boolean> {
    return this.throttles.isPaused('login_source', sourceKey(keys));
  }

  async succeeded(keys: AttemptKeys): Promise<void> {
    await this.throttles.clear('login_source', sourceKey(keys));
    await this.throttles.clear('login_account', keys.account);
    if (keys.ip) await this.throttles.giveBack(this.ipCheck(keys.ip));
  }

  /** A right password that still needs its second factor: the attempt is not a failure. */
  async undo(keys: AttemptKeys): Promise<void> {
    for (const check of this.checks(keys)) await this.throttles.giveBack(check);
  }

  /**
   * One try at getting past a pause with password and second factor together; counted
   * per account, so a second factor cannot be guessed this way either.
   */
  async mfaBypass(keys: AttemptKeys): Promise<boolean> {
    const outcome = await this.throttles.attempt([
      { scope: 'login_mfa_bypass', key: keys.account, limit: this.limits.mfaBypass },
    ]);
    return outcome.allowed;
  }

  /** After a password reset: the owner has just proven the mailbox. */
  async clearAccount(account: string): Promise<void> {
    await this.throttles.clearPrefix('login_source', `${account}|`);
    await this.throttles.clear('login_account', account);
    await this.throttles.clear('login_mfa_bypass', account);
  }

  private checks(keys: AttemptKeys): Check[] {
    return [
      { scope: 'login_source', key: sourceKey(keys), limit: this.limits.loginSource },
      { scope: 'login_account', key: keys.account, limit: this.limits.loginAccount },
      ...(keys.ip ? [this.ipCheck(keys.ip)] : []),
    ];
  }

  private ipCheck(ip: string): Check {
    return { scope: 'login_ip', key: ip, limit: this.limits.loginIp };
  }
}

/** Without a signed client IP (no router in front), all attempts share one source. */
const sourceKey = (keys: AttemptKeys) => `${keys.account}|${keys.ip ?? 'unknown'}`;
