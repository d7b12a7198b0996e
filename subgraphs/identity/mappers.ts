export { orNull } from '../../platform/loaders';
import type { Connection } from '../../platform/pagination';
import type { AuthLike } from './resolver-types';
import type { App } from './domain/apps';
import type {
  AuditLogRow,
  CustomerAddressRow,
  CustomerRow,
  RoleRow,
  SessionRow,
  StaffUserRow,
} from './entities';
import type {
  AuditLogEntry,
  Customer,
  CustomerAddress,
  ModelFields,
  Role,
  Session,
  StaffUser,
} from './generated/resolvers-types';

/**
 * GraphQL shapes of identity's rows: the schema's fields plus the ids child resolvers load
 * from. The `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts
 * types every resolver's parent and result with them, and ModelFields ties them to the
 * schema (a field without a resolver must be in the model, with the schema's type).
 */
export type CustomerModel = ModelFields<
  Customer,
  'addresses' | 'defaultShippingAddress' | 'defaultBillingAddress' | 'mfaEnabled'
>;
export type StaffModel = ModelFields<StaffUser, 'roles' | 'permissions' | 'mfaEnabled'>;
export type RoleModel = ModelFields<Role, 'permissions'>;

export function toCustomer(row: CustomerRow): CustomerModel {
  return {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    emailVerified: row.emailVerifiedAt !== null,
    segments: row.segments,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toAddress(row: CustomerAddressRow): ModelFields<CustomerAddress> {
  return {
    id: row.id,
    name: row.name,
    company: row.company,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    postalCode: row.postalCode,
    region: row.region,
    country: row.country,
    phone: row.phone,
    isDefaultShipping: row.isDefaultShipping,
    isDefaultBilling: row.isDefaultBilling,
  };
}

export function toStaff(row: StaffUserRow): StaffModel {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    active: row.active,
    preferences: { language: row.language, timezone: row.timezone, currency: row.currency },
    createdAt: row.createdAt.toISOString(),
  };
}

export function toRole(row: RoleRow): RoleModel {
  return { name: row.name, description: row.description, builtIn: row.builtIn };
}

export function toSession(row: SessionRow): ModelFields<Session> {
  return {
    id: row.id,
    authMethod: row.authMethod,
    ip: row.ip,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

export function toAuditEntry(row: AuditLogRow): ModelFields<AuditLogEntry> {
  return {
    id: String(row.id),
    occurredAt: row.occurredAt.toISOString(),
    event: row.event,
    actorKind: row.actorKind,
    actorId: row.actorId,
    subjectKind: row.subjectKind,
    subjectId: row.subjectId,
    ip: row.ip,
    details: JSON.stringify(row.details ?? {}),
  };
}

/** A sign-in result as a payload: tokens, or `mfaRequired` and no tokens. */
export function toAuthPayload<Row, Shape>(result: AuthLike<Row>, map: (row: Row) => Shape) {
  if (result.mfaRequired || !result.tokens) {
    return {
      mfaRequired: true,
      accessToken: null,
      refreshToken: null,
      expiresIn: null,
      tokenType: null,
      account: null,
    };
  }
  return {
    mfaRequired: false,
    accessToken: result.tokens.accessToken,
    refreshToken: result.tokens.refreshToken,
    expiresIn: result.tokens.expiresIn,
    tokenType: 'Bearer',
    account: map(result.account as Row),
  };
}

export function mapConnection<T, R>(connection: Connection<T>, map: (row: T) => R) {
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })),
  };
}

export const toApp = (app: App) => ({ ...app, createdAt: app.createdAt.toISOString() });
