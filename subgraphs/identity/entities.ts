import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

const int = { to: (v: number) => v, from: Number };

export type PrincipalKind = 'customer' | 'staff';

@Entity({ name: 'customer' })
export class CustomerRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) email: string;
  /** argon2id PHC string; null for an account created by social login. Never leaves this subgraph. */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false }) passwordHash:
    string | null;
  @Column({ name: 'first_name', type: 'text' }) firstName: string;
  @Column({ name: 'last_name', type: 'text' }) lastName: string;
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;
  @Column({ type: 'text', array: true, default: () => `'{}'` }) segments: string[];
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'customer_address' })
export class CustomerAddressRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'customer_id', type: 'uuid' }) customerId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) company: string | null;
  @Column({ type: 'text' }) line1: string;
  @Column({ type: 'text', nullable: true }) line2: string | null;
  @Column({ type: 'text' }) city: string;
  @Column({ name: 'postal_code', type: 'text' }) postalCode: string;
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ type: 'char', length: 2 }) country: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ name: 'is_default_shipping', type: 'boolean', default: false })
  isDefaultShipping: boolean;
  @Column({ name: 'is_default_billing', type: 'boolean', default: false })
  isDefaultBilling: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity({ name: 'staff_user' })
export class StaffUserRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'password_hash', type: 'text', select: false }) passwordHash: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'text', default: 'en' }) language: string;
  @Column({ type: 'text', default: 'UTC' }) timezone: string;
  @Column({ type: 'char', length: 3, default: 'EUR' }) currency: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'role' })
export class RoleRow {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ name: 'built_in', type: 'boolean', default: false }) builtIn: boolean;
}

@Entity({ name: 'role_permission' })
export class RolePermissionRow {
  @PrimaryColumn({ type: 'text' }) role: string;
  @PrimaryColumn({ type: 'text' }) permission: string;
}

@Entity({ name: 'staff_role' })
export class StaffRoleRow {
  @PrimaryColumn({ name: 'staff_id', type: 'uuid' }) staffId: string;
  @PrimaryColumn({ type: 'text' }) role: string;
}

@Entity({ name: 'signing_key' })
export class SigningKeyRow {
  @PrimaryColumn({ type: 'text' }) kid: string;
  @Column({ type: 'text' }) alg: 'EdDSA' | 'RS256';
  @Column({ name: 'public_jwk', type: 'jsonb' }) publicJwk: Record<string, unknown>;
  /** Sealed with secrets.ts; never selected unless signing. */
  @Column({ name: 'private_jwk', type: 'text', select: false }) privateJwk: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'activates_at', type: 'timestamptz', default: () => 'now()' }) activatesAt: Date;
}

/** A login: one refresh-token family. Revoking it ends every refresh token it issued. */
@Entity({ name: 'session' })
export class SessionRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'principal_kind', type: 'text' }) principalKind: PrincipalKind;
  @Column({ name: 'principal_id', type: 'uuid' }) principalId: string;
  @Column({ name: 'auth_method', type: 'text' }) authMethod: string;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz', default: () => 'now()' }) lastUsedAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @Column({ name: 'revoked_reason', type: 'text', nullable: true }) revokedReason: string | null;
}

@Entity({ name: 'audit_log' })
export class AuditLogRow {
  @PrimaryColumn({ type: 'bigint', transformer: int }) id: number;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ type: 'text' }) event: string;
  @Column({ name: 'actor_kind', type: 'text', nullable: true }) actorKind: string | null;
  @Column({ name: 'actor_id', type: 'text', nullable: true }) actorId: string | null;
  @Column({ name: 'subject_kind', type: 'text', nullable: true }) subjectKind: string | null;
  @Column({ name: 'subject_id', type: 'text', nullable: true }) subjectId: string | null;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ type: 'jsonb', default: () => `'{}'` }) details: Record<string, unknown>;
}

export const identityEntities = [
  CustomerRow,
  CustomerAddressRow,
  StaffUserRow,
  RoleRow,
  RolePermissionRow,
  StaffRoleRow,
  SigningKeyRow,
  SessionRow,
  AuditLogRow,
];
