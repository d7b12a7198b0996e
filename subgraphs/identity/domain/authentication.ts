import { IdentityErrorCode } from '../errors';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { AuditLog } from './audit';
import type { Customers } from './customers';
import type { CustomerRow, StaffUserRow } from '../entities';
import type { Mfa } from './mfa';
import { verifyPassword } from './passwords';
import type { Principal, Sessions } from './sessions';
import type { SigningKeys } from './signing-keys';
import type { Staff } from './staff';
import type { AttemptKeys, LoginThrottle } from './login-throttle';
import { normalizeEmail } from './validation';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
}

export type LoginResult<Account> =
  | { mfaRequired: true; account: null; tokens: null }
  | { mfaRequired: false; account: Account; tokens: TokenPair };

interface LoginRequest {
  email: string;
  password: string;
  mfaCode?: string | null;
  ip: string | null;
}

type LoginAccount = { id: string; passwordHash: string | null; usable: boolean; verified: boolean };

/**
 * Sign-in, refresh and sign-out for customers and staff. Every attempt first passes the
 * throttle (which counts it atomically in the database), then the password (argon2id,
 * constant work whether or not the account exists), then the second factor when the
 * account has one. Failures are audited one by one.
 */
export class Authentication {
  constructor(
    private readonly db: DataSource,
    private readonly keys: SigningKeys,
    private readonly sessions: Sessions,
    private readonly throttle: LoginThrottle,
    private readonly mfa: Mfa,
    private readonly audit: AuditLog,
    private readonly customers: Customers,
    private readonly staff: Staff,
  ) {}

  async customerLogin(request: LoginRequest): Promise<LoginResult<CustomerRow>> {
    return this.login('customer', request, async (email) => {
      const row = await this.customers.forLogin(email);
      return (
        row && {
          id: row.id,
          passwordHash: row.passwordHash,
          usable: true,
          verified: !!row.emailVerifiedAt,
          row,
        }
      );
    });
  }

  async staffLogin(request: LoginRequest): Promise<LoginResult<StaffUserRow>> {
    return this.login('staff', request, async (email) => {
      const row = await this.staff.forLogin(email);
      return (
        row && {
          id: row.id,
          passwordHash: row.passwordHash,
          usable: row.active,
          verified: true,
          row,
        }
      );
    });
  }

  /** Exchanges a refresh token for a new pair, with the principal's current permissions. */
  async refresh(refreshToken: string, ip: string | null): Promise<TokenPair> {
    const { session, refreshToken: next } = await this.sessions.rotate(
      String(refreshToken ?? ''),
      ip,
    );
    const principal: Principal = { kind: session.principalKind, id: session.principalId };
    const permissions = await this.currentPermissions(principal);
    if (permissions === null) {
      await this.sessions.revoke(session.id, 'account_unusable');
      throw new DomainError(
        IdentityErrorCode.INVALID_REFRESH_TOKEN,
        'The refresh token is not valid',
        ['refreshToken'],
      );
    }
    const access = await this.keys.signAccessToken({
      sub: principal.id,
      kind: principal.kind,
      sid: session.id,
      permissions,
    });
    return {
      accessToken: access.token,
      refreshToken: next,
      expiresIn: access.expiresIn,
      sessionId: session.id,
    };
  }

  /** Ends the session a refresh token belongs to. Answers the same whether or not it was live. */
  async logout(refreshToken: string, ip: string | null): Promise<void> {
    const session = await this.sessions.findByRefreshToken(String(refreshToken ?? ''));
    if (!session) return;
    if (await this.sessions.revoke(session.id, 'logout')) {
      await this.audit.record({
        event: 'logout',
        actor: { kind: session.principalKind, id: session.principalId },
        subject: { kind: session.principalKind, id: session.principalId },
        ip,
        details: { sessionId: session.id },
      });
    }
  }

  async revokeSession(principal: Principal, sessionId: string, ip: string | null): Promise<void> {
    const session = await this.sessions.find(sessionId);
    if (
      !session ||
      session.principalKind !== principal.kind ||
      session.principalId !== principal.id
    ) {
      throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Session not found', ['id']);
    }
    if (await this.sessions.revoke(session.id, 'revoked_by_user')) {
      await this.audit.record({
        event: 'session.revoked',
        actor: principal,
        subject: principal,
        ip,
        details: { sessionId },
      });
    }
  }

  /** A new session and token pair for an authenticated principal (password, social login). */
  async startSession(
    principal: Principal,
    authMethod: string,
    ip: string | null,
  ): Promise<TokenPair> {
    const permissions = (await this.currentPermissions(principal)) ?? [];
    const { session, refreshToken } = await this.db.transaction(async (tx) => {
      const issued = await this.sessions.create(tx, principal, authMethod, ip);
      await this.audit.record(
        {
          event: 'login.succeeded',
          actor: principal,
          subject: principal,
          ip,
          details: { method: authMethod, sessionId: issued.session.id },
        },
        tx,
      );
      return issued;
    });
    const access = await this.keys.signAccessToken({
      sub: principal.id,
      kind: principal.kind,
      sid: session.id,
      permissions,
    });
    return {
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
      sessionId: session.id,
    };
  }

  /**
   * The second factor, for an account whose first factor has passed: with MFA active and
   * no code the caller gets `mfaRequired` (the attempt is taken back from the counters);
   * a wrong or replayed code counts as a failure.
   */
  async secondFactor(
    principal: Principal,
    keys: AttemptKeys,
    mfaCode: string | null | undefined,
  ): Promise<'passed' | 'required'> {
    if (!(await this.mfa.isEnabled(principal))) return 'passed';
    if (!mfaCode) {
      await this.throttle.undo(keys);
      await this.audit.record({ event: 'login.mfa_required', subject: principal, ip: keys.ip });
      return 'required';
    }
    const check = await this.mfa.check(principal, mfaCode);
    if (check !== 'ok') {
      await this.failed(
        keys,
        principal,
        check === 'replayed' ? 'mfa_code_replayed' : 'mfa_code_invalid',
      );
      throw new DomainError(
        IdentityErrorCode.INVALID_MFA_CODE,
        'The authentication code is not valid',
        ['mfaCode'],
      );
    }
    return 'passed';
  }

  /** Counts an attempt for a social login's second factor, like a password attempt. */
  async beginAttempt(keys: AttemptKeys): Promise<void> {
    try {
      await this.throttle.begin(keys);
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          event: 'login.refused',
          ip: keys.ip,
          details: { account: keys.account, reason: error.code },
        });
      }
      throw error;
    }
  }

  async attemptSucceeded(keys: AttemptKeys): Promise<void> {
    await this.throttle.succeeded(keys);
  }

  private async login<Row extends { id: string }>(
    kind: Principal['kind'],
    request: LoginRequest,
    find: (email: string) => Promise<(LoginAccount & { row: Row }) | null>,
  ): Promise<LoginResult<Row>> {
    const keys: AttemptKeys = {
      account: `${kind}:${normalizeEmail(request.email)}`,
      ip: request.ip,
    };
    try {
      await this.beginAttempt(keys);
    } catch (refusal) {
      if (refusal instanceof DomainError && request.mfaCode) {
        return this.pastPause(kind, request, keys, find, refusal);
      }
      throw refusal;
    }
    const account = await find(request.email);
    const passwordOk = await verifyPassword(
      account?.passwordHash ?? null,
      String(request.password ?? ''),
    );
    if (!account || !passwordOk || !account.usable || !account.verified) {
      await this.failed(
        keys,
        account ? { kind, id: account.id } : null,
        failure(account, passwordOk),
      );
      // The right password of an unconfirmed account gets the answer a wrong one gets (so
      // that nobody learns which addresses have accounts); the owner gets a new link instead.
      if (account && passwordOk && account.usable && kind === 'customer') {
        await this.customers.resendVerification(request.email);
      }
      throw invalidCredentials();
    }
    const principal: Principal = { kind, id: account.id };
    if ((await this.secondFactor(principal, keys, request.mfaCode)) === 'required') {
      return { mfaRequired: true, account: null, tokens: null };
    }
    await this.throttle.succeeded(keys);
    return {
      mfaRequired: false,
      account: account.row,
      tokens: await this.startSession(principal, 'password', request.ip),
    };
  }

  /**
   * A paused source (or account) may still sign in with the right password and a valid
   * second factor together; anything less gets the refusal it would have got anyway, so
   * this path tells a guesser nothing.
   */
  private async pastPause<Row extends { id: string }>(
    kind: Principal['kind'],
    request: LoginRequest,
    keys: AttemptKeys,
    find: (email: string) => Promise<(LoginAccount & { row: Row }) | null>,
    refusal: DomainError,
  ): Promise<LoginResult<Row>> {
    if (!(await this.throttle.mfaBypass(keys))) throw refusal;
    const account = await find(request.email);
    const passwordOk = await verifyPassword(
      account?.passwordHash ?? null,
      String(request.password ?? ''),
    );
    const principal: Principal | null = account ? { kind, id: account.id } : null;
    const passed =
      !!account &&
      !!principal &&
      passwordOk &&
      account.usable &&
      account.verified &&
      (await this.mfa.isEnabled(principal)) &&
      (await this.mfa.check(principal, String(request.mfaCode))) === 'ok';
    if (!passed || !account || !principal) {
      await this.audit.record({
        event: 'login.failed',
        subject: principal,
        ip: keys.ip,
        details: { account: keys.account, reason: 'paused' },
      });
      throw refusal;
    }
    await this.throttle.succeeded(keys);
    return {
      mfaRequired: false,
      account: account.row,
      tokens: await this.startSession(principal, 'password', request.ip),
    };
  }

  private async failed(
    keys: AttemptKeys,
    principal: Principal | null,
    reason: string,
  ): Promise<void> {
    const paused = await this.throttle.failed(keys);
    await this.audit.record({
      event: 'login.failed',
      subject: principal,
      ip: keys.ip,
      details: { account: keys.account, reason },
    });
    if (paused) {
      await this.audit.record({
        event: 'login.throttled',
        subject: principal,
        ip: keys.ip,
        details: { account: keys.account },
      });
    }
  }

  /** Staff: the permissions of its roles, or null when deactivated; customers: [] or null when gone. */
  private async currentPermissions(principal: Principal): Promise<string[] | null> {
    if (principal.kind === 'customer') {
      return (await this.customers.byIds([principal.id])).length ? [] : null;
    }
    const [staff] = await this.staff.byIds([principal.id]);
    if (!staff?.active) return null;
    return this.staff.permissionsOfOne(principal.id);
  }
}

function failure(account: LoginAccount | null, passwordOk: boolean): string {
  if (!account || !passwordOk) return 'password';
  return account.usable ? 'email_not_verified' : 'account_inactive';
}

const invalidCredentials = () =>
  new DomainError(
    IdentityErrorCode.INVALID_CREDENTIALS,
    'The email or password is not correct (a new account signs in once its email address is confirmed)',
  );
