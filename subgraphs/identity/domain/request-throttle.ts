import { DomainError } from '../../../platform/errors';
import { IdentityErrorCode } from '../errors';
import type { ThrottleLimits, Throttles } from './throttle';

export type AccountRequest = 'register' | 'password_reset';

/**
 * Registrations and password reset requests, counted per client IP and per email (each
 * alias in a request is one attempt), and a cap on the mails one address receives, so
 * that nobody can create accounts in bulk or flood someone's mailbox through us.
 */
export class RequestThrottle {
  constructor(
    private readonly throttles: Throttles,
    private readonly limits: ThrottleLimits,
  ) {}

  /** Counts the request or throws TOO_MANY_ATTEMPTS; the email counts whether or not it has an account. */
  async begin(kind: AccountRequest, email: string, ip: string | null): Promise<void> {
    const [perIp, perEmail] =
      kind === 'register'
        ? [this.limits.registerIp, this.limits.registerEmail]
        : [this.limits.resetIp, this.limits.resetEmail];
    const outcome = await this.throttles.attempt([
      { scope: `${kind}_email`, key: email, limit: perEmail },
      ...(ip ? [{ scope: `${kind}_ip`, key: ip, limit: perIp }] : []),
    ]);
    if (!outcome.allowed) {
      throw new DomainError(
        IdentityErrorCode.TOO_MANY_ATTEMPTS,
        `Too many requests; try again in ${outcome.retryAfterSeconds} seconds`,
      );
    }
  }

  /** Whether one more mail may go to `address` this hour (counts it when it may). */
  async mayMail(address: string): Promise<boolean> {
    const outcome = await this.throttles.attempt([
      { scope: 'mail', key: address.toLowerCase(), limit: this.limits.mailsPerAddress },
    ]);
    return outcome.allowed;
  }
}
