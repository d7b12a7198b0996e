import { IdentityErrorCode } from '../errors';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import type { AuditLog, Party } from './audit';
import {
  type EmailEvent,
  passwordResetEmail,
  queueEmail,
  registrationAttemptEmail,
  verificationEmail,
} from './emails';
import { CustomerRow } from '../entities';
import { checkPasswordStrength, hashPassword } from './passwords';
import { randomToken, tokenHash } from './secrets';
import type { Sessions } from './sessions';
import { firstRow, isUniqueViolation } from './sql';
import type { LoginThrottle } from './login-throttle';
import type { RequestThrottle } from './request-throttle';
import { normalizeEmail, requireEmail, requireName, requireSegments } from './validation';

export interface RegisterInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

export interface CustomerUpdateInput {
  firstName?: string | null;
  lastName?: string | null;
}

type TokenPurpose = 'email_verification' | 'password_reset';

const VERIFICATION_TTL_SECONDS = 24 * 3600;
const RESET_TTL_SECONDS = 30 * 60;

/**
 * Customer accounts: registration, email verification, profile, segments and password
 * reset. Mailed tokens are single-use, stored as SHA-256, and their email is written to
 * the outbox in the same transaction as the token.
 */
export class Customers {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly sessions: Sessions,
    private readonly throttle: LoginThrottle,
    private readonly requests: RequestThrottle,
    private readonly storefrontUrl: string,
  ) {}

  byIds(ids: readonly string[]): Promise<CustomerRow[]> {
    return this.db.getRepository(CustomerRow).findBy({ id: In([...ids]) });
  }

  byEmail(email: string): Promise<CustomerRow | null> {
    return this.db.getRepository(CustomerRow).findOneBy({ email: normalizeEmail(email) });
  }

  /** With the password hash, for sign-in only. */
  async forLogin(email: string): Promise<(CustomerRow & { passwordHash: string | null }) | null> {
    return this.db
      .getRepository(CustomerRow)
      .createQueryBuilder('c')
      .addSelect('c.passwordHash')
      .where('c.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  /** Staff listing by email (unique, so also the cursor); `search` matches the start of the email. */
  async list(page: PageRequest, search: string | null): Promise<Connection<CustomerRow>> {
    const query = this.db.getRepository(CustomerRow).createQueryBuilder('c');
    if (search?.trim()) {
      const prefix = `${search
        .trim()
        .toLowerCase()
        .replace(/[\\%_]/g, '\\$&')}%`;
      query.where('c.email LIKE :prefix', { prefix });
    }
    const totalCount = await query.getCount();
    if (page.after) query.andWhere('c.email > :after', { after: page.after[0] });
    const rows = await query
      .orderBy('c.email', 'ASC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (c) => [c.email], totalCount);
  }

  /**
   * Creates an account and mails its verification link; for an address that already has
   * an account it mails the owner instead. Either way the caller gets the same answer
   * (and the same work is done: the password is hashed), so registration does not tell
   * who has an account. Counted per IP and per email before anything else.
   */
  async register(input: RegisterInput, ip: string | null): Promise<void> {
    const email = requireEmail(input.email);
    const firstName = requireName(input.firstName, ['firstName']);
    const lastName = requireName(input.lastName, ['lastName']);
    checkPasswordStrength(input.password, { email });
    await this.requests.begin('register', email, ip);
    const passwordHash = await hashPassword(input.password);
    try {
      await this.db.transaction(async (tx) => {
        const customer = await tx
          .getRepository(CustomerRow)
          .save(tx.getRepository(CustomerRow).create({ email, firstName, lastName, passwordHash }));
        const token = await this.issueToken(
          tx,
          customer.id,
          'email_verification',
          VERIFICATION_TTL_SECONDS,
        );
        await queueEmail(tx, verificationEmail(this.storefrontUrl, email, firstName, token));
        await this.audit.record({ event: 'customer.registered', subject: party(customer), ip }, tx);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const owner = await this.byEmail(email);
      if (!owner) throw error;
      await this.audit.record({ event: 'customer.register_taken', subject: party(owner), ip });
      await this.mail(registrationAttemptEmail(this.storefrontUrl, owner.email, owner.firstName));
    }
  }

  /** Mails a new verification link when the account exists and is unverified; silent otherwise. */
  async resendVerification(email: string): Promise<void> {
    const customer = await this.byEmail(email);
    if (!customer || customer.emailVerifiedAt) return;
    if (!(await this.requests.mayMail(customer.email))) return;
    await this.db.transaction(async (tx) => {
      const token = await this.issueToken(
        tx,
        customer.id,
        'email_verification',
        VERIFICATION_TTL_SECONDS,
      );
      await queueEmail(
        tx,
        verificationEmail(this.storefrontUrl, customer.email, customer.firstName, token),
      );
    });
  }

  async verifyEmail(token: string, ip: string | null): Promise<CustomerRow> {
    return this.db.transaction(async (tx) => {
      const customerId = await this.consumeToken(tx, token, 'email_verification');
      await tx.query(
        `UPDATE identity.customer SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
          WHERE id = $1`,
        [customerId],
      );
      await this.audit.record(
        { event: 'customer.email_verified', subject: { kind: 'customer', id: customerId }, ip },
        tx,
      );
      return tx.getRepository(CustomerRow).findOneByOrFail({ id: customerId });
    });
  }

  async update(customerId: string, input: CustomerUpdateInput): Promise<CustomerRow> {
    const repo = this.db.getRepository(CustomerRow);
    const customer = await repo.findOneBy({ id: customerId });
    if (!customer) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Customer not found');
    if (input.firstName != null) customer.firstName = requireName(input.firstName, ['firstName']);
    if (input.lastName != null) customer.lastName = requireName(input.lastName, ['lastName']);
    customer.updatedAt = new Date();
    return repo.save(customer);
  }

  async setSegments(
    customerId: string,
    segments: unknown,
    actor: Party,
    ip: string | null,
  ): Promise<CustomerRow> {
    const clean = requireSegments(segments);
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(CustomerRow);
      const customer = await repo.findOne({
        where: { id: customerId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!customer)
        throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Customer not found', ['customerId']);
      const before = customer.segments;
      customer.segments = clean;
      customer.updatedAt = new Date();
      await repo.save(customer);
      await this.audit.record(
        {
          event: 'customer.segments_changed',
          actor,
          subject: party(customer),
          ip,
          details: { before, after: clean },
        },
        tx,
      );
      return customer;
    });
  }

  /**
   * Always answers the same; mails a reset link only when the account exists. Counted
   * per IP and per email, and at most MAILS_PER_ADDRESS_PER_HOUR mails reach one address.
   */
  async requestPasswordReset(email: string, ip: string | null): Promise<void> {
    const address = requireEmail(email);
    await this.requests.begin('password_reset', address, ip);
    const customer = await this.byEmail(address);
    if (customer && !(await this.requests.mayMail(customer.email))) {
      await this.audit.record({
        event: 'password.reset_suppressed',
        subject: party(customer),
        ip,
        details: { reason: 'mail_cap' },
      });
      return;
    }
    if (!customer) {
      await this.audit.record({ event: 'password.reset_requested', ip, details: { known: false } });
      return;
    }
    await this.db.transaction(async (tx) => {
      // A new link replaces any earlier one.
      await tx.query(
        `UPDATE identity.email_token SET used_at = now()
          WHERE customer_id = $1 AND purpose = 'password_reset' AND used_at IS NULL`,
        [customer.id],
      );
      const token = await this.issueToken(tx, customer.id, 'password_reset', RESET_TTL_SECONDS);
      await queueEmail(
        tx,
        passwordResetEmail(this.storefrontUrl, customer.email, customer.firstName, token),
      );
      await this.audit.record(
        {
          event: 'password.reset_requested',
          subject: party(customer),
          ip,
          details: { known: true },
        },
        tx,
      );
    });
  }

  /**
   * Sets a new password with a mailed reset token: every session of the account ends, a
   * lockout is lifted, and the email counts as verified (the mailbox was just proven).
   */
  async resetPassword(token: string, newPassword: string, ip: string | null): Promise<CustomerRow> {
    const pending = await firstRow(
      this.db,
      `SELECT t.customer_id, c.email FROM identity.email_token t JOIN identity.customer c ON c.id = t.customer_id
        WHERE t.token_hash = $1 AND t.purpose = 'password_reset' AND t.used_at IS NULL AND t.expires_at > now()`,
      [tokenHash(String(token ?? ''))],
    );
    if (!pending)
      throw new DomainError(
        IdentityErrorCode.INVALID_TOKEN,
        'The link is not valid or has expired',
        ['token'],
      );
    checkPasswordStrength(newPassword, { email: pending.email, field: 'newPassword' });
    const passwordHash = await hashPassword(newPassword);
    const customer = await this.db.transaction(async (tx) => {
      const customerId = await this.consumeToken(tx, token, 'password_reset');
      await tx.query(
        `UPDATE identity.customer
            SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
          WHERE id = $1`,
        [customerId, passwordHash],
      );
      const revoked = await this.sessions.revokeAllOf(
        { kind: 'customer', id: customerId },
        'password_reset',
        tx,
      );
      const row = await tx.getRepository(CustomerRow).findOneByOrFail({ id: customerId });
      await this.audit.record(
        {
          event: 'password.reset',
          subject: party(row),
          ip,
          details: { sessionsRevoked: revoked.length },
        },
        tx,
      );
      return { row, revoked };
    });
    await this.sessions.announceRevoked(customer.revoked);
    await this.throttle.clearAccount(`customer:${customer.row.email}`);
    return customer.row;
  }

  /** Queues a mail on its own, unless the address had its share this hour. */
  private async mail(email: EmailEvent): Promise<void> {
    if (!(await this.requests.mayMail(email.to))) return;
    await this.db.transaction((tx) => queueEmail(tx, email));
  }

  private async issueToken(
    tx: EntityManager,
    customerId: string,
    purpose: TokenPurpose,
    ttlSeconds: number,
  ): Promise<string> {
    const token = randomToken(purpose === 'password_reset' ? 'pr' : 'ev');
    await tx.query(
      `INSERT INTO identity.email_token (purpose, customer_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [purpose, customerId, tokenHash(token), ttlSeconds],
    );
    return token;
  }

  /** Marks a token used, atomically: of two concurrent uses exactly one gets the customer id. */
  private async consumeToken(
    tx: EntityManager,
    token: string,
    purpose: TokenPurpose,
  ): Promise<string> {
    const row = await firstRow(
      tx,
      `UPDATE identity.email_token SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING customer_id`,
      [tokenHash(String(token ?? '')), purpose],
    );
    if (!row)
      throw new DomainError(
        IdentityErrorCode.INVALID_TOKEN,
        'The link is not valid or has expired',
        ['token'],
      );
    return row.customer_id;
  }
}

export function party(customer: { id: string }): Party {
  return { kind: 'customer', id: customer.id };
}
