import { IdentityErrorCode } from '../errors';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { AuditLog } from './audit';
import type { SecretBox } from './secrets';
import { tokenHash } from './secrets';
import type { Principal } from './sessions';
import { firstRow, rows } from './sql';
import { base32Encode, generateTotpSecret, matchTotp, provisioningUri } from './totp';

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE = /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i;

export type MfaCheck = 'ok' | 'invalid' | 'replayed';

/** Recovery codes: 80 random bits each, shown as xxxx-xxxx-xxxx-xxxx, kept as SHA-256. */
function newRecoveryCode(): string {
  const text = base32Encode(randomBytes(10)).toLowerCase();
  return text.match(/.{4}/g)!.join('-');
}

function recoveryHash(code: string): Buffer {
  return tokenHash(code.replace(/-/g, '').toLowerCase());
}

/**
 * TOTP second factor for customers and staff. The secret is sealed at rest; each
 * principal remembers the last time step it accepted, and a code is accepted only for a
 * later step (one atomic UPDATE), so that no code, captured or typed twice, works again.
 */
export class Mfa {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditLog,
    private readonly issuer = 'Commerce',
  ) {}

  async isEnabled(principal: Principal): Promise<boolean> {
    return (await this.enabledAmong(principal.kind, [principal.id])).has(principal.id);
  }

  /** Which of these principals have confirmed MFA (one statement, for loaders). */
  async enabledAmong(kind: Principal['kind'], ids: readonly string[]): Promise<Set<string>> {
    const found = await rows(
      this.db,
      `SELECT principal_id FROM identity.mfa_totp
        WHERE principal_kind = $1 AND principal_id = ANY($2::uuid[]) AND confirmed_at IS NOT NULL`,
      [kind, [...ids]],
    );
    return new Set(found.map((r) => r.principal_id as string));
  }

  /** Starts (or restarts) enrolment with a new secret; refused while MFA is active. */
  async enrollStart(
    principal: Principal,
    accountName: string,
  ): Promise<{ secret: string; otpauthUri: string }> {
    const secret = generateTotpSecret();
    const stored = await firstRow(
      this.db,
      `INSERT INTO identity.mfa_totp (principal_kind, principal_id, secret) VALUES ($1, $2, $3)
       ON CONFLICT (principal_kind, principal_id) DO UPDATE
         SET secret = EXCLUDED.secret, created_at = now(), last_used_step = NULL
         WHERE identity.mfa_totp.confirmed_at IS NULL
       RETURNING principal_id`,
      [principal.kind, principal.id, this.box.seal(secret)],
    );
    if (!stored)
      throw new DomainError(
        IdentityErrorCode.MFA_ALREADY_ENABLED,
        'Two-factor authentication is already active',
      );
    return { secret, otpauthUri: provisioningUri(secret, accountName, this.issuer) };
  }

  /** Activates MFA with a first code from the app; returns the recovery codes, shown once. */
  async enrollConfirm(principal: Principal, code: string, ip: string | null): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const row = await firstRow(
        tx,
        `SELECT secret, confirmed_at FROM identity.mfa_totp
          WHERE principal_kind = $1 AND principal_id = $2 FOR UPDATE`,
        [principal.kind, principal.id],
      );
      if (!row)
        throw new DomainError(IdentityErrorCode.MFA_NOT_STARTED, 'Start enrolment first', ['code']);
      if (row.confirmed_at)
        throw new DomainError(
          IdentityErrorCode.MFA_ALREADY_ENABLED,
          'Two-factor authentication is already active',
        );
      const step = matchTotp(this.box.open(row.secret), String(code ?? '').trim());
      if (step === null)
        throw new DomainError(IdentityErrorCode.INVALID_MFA_CODE, 'The code is not valid', [
          'code',
        ]);
      await tx.query(
        `UPDATE identity.mfa_totp SET confirmed_at = now(), last_used_step = $3
          WHERE principal_kind = $1 AND principal_id = $2`,
        [principal.kind, principal.id, step],
      );
      await tx.query(
        `DELETE FROM identity.mfa_recovery_code WHERE principal_kind = $1 AND principal_id = $2`,
        [principal.kind, principal.id],
      );
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      for (const recovery of codes) {
        await tx.query(
          `INSERT INTO identity.mfa_recovery_code (principal_kind, principal_id, code_hash) VALUES ($1, $2, $3)`,
          [principal.kind, principal.id, recoveryHash(recovery)],
        );
      }
      await this.audit.record(
        { event: 'mfa.enrolled', actor: principal, subject: principal, ip },
        tx,
      );
      return codes;
    });
  }

  /** Checks a TOTP code or a recovery code; each is accepted once at most. */
  async check(principal: Principal, code: string): Promise<MfaCheck> {
    const given = String(code ?? '').trim();
    if (RECOVERY_CODE.test(given)) return this.useRecoveryCode(principal, given);
    const row = await firstRow(
      this.db,
      `SELECT secret FROM identity.mfa_totp
        WHERE principal_kind = $1 AND principal_id = $2 AND confirmed_at IS NOT NULL`,
      [principal.kind, principal.id],
    );
    if (!row) return 'invalid';
    const step = matchTotp(this.box.open(row.secret), given);
    if (step === null) return 'invalid';
    const accepted = await firstRow(
      this.db,
      `UPDATE identity.mfa_totp SET last_used_step = $3
        WHERE principal_kind = $1 AND principal_id = $2
          AND (last_used_step IS NULL OR last_used_step < $3)
        RETURNING last_used_step`,
      [principal.kind, principal.id, step],
    );
    return accepted ? 'ok' : 'replayed';
  }

  /** Turns MFA off, with a current code or a recovery code as proof. */
  async disableWithCode(principal: Principal, code: string, ip: string | null): Promise<void> {
    if (!(await this.isEnabled(principal)))
      throw new DomainError(
        IdentityErrorCode.MFA_NOT_ENABLED,
        'Two-factor authentication is not active',
      );
    if ((await this.check(principal, code)) !== 'ok') {
      throw new DomainError(IdentityErrorCode.INVALID_MFA_CODE, 'The code is not valid', ['code']);
    }
    await this.disable(principal, ip);
  }

  async disable(principal: Principal, ip: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM identity.mfa_totp WHERE principal_kind = $1 AND principal_id = $2`,
        [principal.kind, principal.id],
      );
      await tx.query(
        `DELETE FROM identity.mfa_recovery_code WHERE principal_kind = $1 AND principal_id = $2`,
        [principal.kind, principal.id],
      );
      await this.audit.record(
        { event: 'mfa.disabled', actor: principal, subject: principal, ip },
        tx,
      );
    });
  }

  private async useRecoveryCode(principal: Principal, code: string): Promise<MfaCheck> {
    const used = await firstRow(
      this.db,
      `UPDATE identity.mfa_recovery_code SET used_at = now()
        WHERE principal_kind = $1 AND principal_id = $2 AND code_hash = $3 AND used_at IS NULL
          AND EXISTS (SELECT 1 FROM identity.mfa_totp m
                       WHERE m.principal_kind = $1 AND m.principal_id = $2 AND m.confirmed_at IS NOT NULL)
        RETURNING id`,
      [principal.kind, principal.id, recoveryHash(code)],
    );
    if (used) {
      await this.audit.record({ event: 'mfa.recovery_code_used', subject: principal });
      return 'ok';
    }
    return 'invalid';
  }
}
