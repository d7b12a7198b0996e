import { IdentityErrorCode } from '../errors';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { type Actor, requireHolds } from './actor';
import type { AuditLog } from './audit';

export { type Actor, actorOf } from './actor';
import { RolePermissionRow, RoleRow, StaffRoleRow, StaffUserRow } from '../entities';
import { checkPasswordStrength, hashPassword } from './passwords';
import type { Sessions } from './sessions';
import { isUniqueViolation, rows } from './sql';
import {
  requireCurrency,
  requireEmail,
  requireName,
  requireLanguage,
  requireTimezone,
  normalizeEmail,
} from './validation';

export const SUPER_ADMIN = 'super_admin';

export interface StaffCreateInput {
  email: string;
  name: string;
  password: string;
  roles: string[];
}

export interface PreferencesInput {
  language?: string | null;
  timezone?: string | null;
  currency?: string | null;
}

/**
 * Staff users, roles and permissions. A role is a named permission set (table
 * role_permission); a staff user's permissions are the union of its roles'. Nobody can
 * hand out a permission they do not hold themselves (no escalation through role
 * assignment), super_admin always holds every permission, and the last active
 * super_admin can be neither demoted nor deactivated.
 */
export class Staff {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly sessions: Sessions,
  ) {}

  byIds(ids: readonly string[]): Promise<StaffUserRow[]> {
    return this.db.getRepository(StaffUserRow).findBy({ id: In([...ids]) });
  }

  async forLogin(email: string): Promise<(StaffUserRow & { passwordHash: string }) | null> {
    return this.db
      .getRepository(StaffUserRow)
      .createQueryBuilder('s')
      .addSelect('s.passwordHash')
      .where('s.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  async list(page: PageRequest): Promise<Connection<StaffUserRow>> {
    const query = this.db.getRepository(StaffUserRow).createQueryBuilder('s');
    const totalCount = await query.getCount();
    if (page.after) query.where('s.email > :after', { after: page.after[0] });
    const found = await query
      .orderBy('s.email', 'ASC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(found, page, (s) => [s.email], totalCount);
  }

  /** Role names per staff user (one statement, for loaders). */
  async rolesOf(staffIds: readonly string[]): Promise<StaffRoleRow[]> {
    return this.db
      .getRepository(StaffRoleRow)
      .find({ where: { staffId: In([...staffIds]) }, order: { role: 'ASC' } });
  }

  /**
   * Effective permissions per staff user (one statement, for loaders and tokens);
   * super_admin holds every permission, including ones added after it was seeded.
   */
  async permissionsOf(staffIds: readonly string[]): Promise<Map<string, string[]>> {
    const found = await rows(
      this.db,
      `SELECT sr.staff_id, array_agg(DISTINCT p.name ORDER BY p.name) AS permissions
         FROM identity.staff_role sr
         JOIN identity.permission p
           ON sr.role = $2
           OR EXISTS (SELECT 1 FROM identity.role_permission rp WHERE rp.role = sr.role AND rp.permission = p.name)
        WHERE sr.staff_id = ANY($1::uuid[])
        GROUP BY sr.staff_id`,
      [[...staffIds], SUPER_ADMIN],
    );
    const map = new Map<string, string[]>(staffIds.map((id) => [id, []]));
    for (const row of found) map.set(row.staff_id, row.permissions);
    return map;
  }

  async permissionsOfOne(staffId: string): Promise<string[]> {
    return (await this.permissionsOf([staffId])).get(staffId) ?? [];
  }

  roles(): Promise<RoleRow[]> {
    return this.db.getRepository(RoleRow).find({ order: { name: 'ASC' } });
  }

  rolesByNames(names: readonly string[]): Promise<RoleRow[]> {
    return this.db.getRepository(RoleRow).findBy({ name: In([...names]) });
  }

  async permissionsOfRoles(names: readonly string[]): Promise<RolePermissionRow[]> {
    return this.db
      .getRepository(RolePermissionRow)
      .find({ where: { role: In([...names]) }, order: { permission: 'ASC' } });
  }

  async allPermissions(): Promise<string[]> {
    return (await rows(this.db, `SELECT name FROM identity.permission ORDER BY name`)).map(
      (r) => r.name,
    );
  }

  async create(input: StaffCreateInput, actor: Actor, ip: string | null): Promise<StaffUserRow> {
    const email = requireEmail(input.email, 'email');
    const name = requireName(input.name, ['name'], 200);
    checkPasswordStrength(input.password, { email });
    const roles = [...new Set(input.roles ?? [])];
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.transaction(async (tx) => {
        await this.checkGrantable(tx, roles, actor);
        const repo = tx.getRepository(StaffUserRow);
        const staff = await repo.save(repo.create({ email, name, passwordHash }));
        for (const role of roles)
          await tx.getRepository(StaffRoleRow).insert({ staffId: staff.id, role });
        await this.audit.record(
          {
            event: 'staff.created',
            actor: actor.party,
            subject: { kind: 'staff', id: staff.id },
            ip,
            details: { roles },
          },
          tx,
        );
        return staff;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(
          IdentityErrorCode.EMAIL_TAKEN,
          'A staff user with this email exists',
          ['email'],
        );
      throw error;
    }
  }

  /** Replaces a staff user's roles. Takes effect at the user's next token refresh (≤ 15 min). */
  async assignRoles(
    staffId: string,
    roles: string[],
    actor: Actor,
    ip: string | null,
  ): Promise<StaffUserRow> {
    const wanted = [...new Set(roles ?? [])];
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('identity.staff_role'))`);
      const staff = await tx.getRepository(StaffUserRow).findOneBy({ id: staffId });
      if (!staff)
        throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Staff user not found', ['staffId']);
      const current = (await tx.getRepository(StaffRoleRow).findBy({ staffId })).map((r) => r.role);
      const added = wanted.filter((r) => !current.includes(r));
      const removed = current.filter((r) => !wanted.includes(r));
      // Adding or taking away a role both need the power to grant it.
      await this.checkGrantable(tx, [...added, ...removed], actor);
      if (removed.includes(SUPER_ADMIN)) await this.keepOneSuperAdmin(tx, staffId);
      await tx.getRepository(StaffRoleRow).delete({ staffId });
      for (const role of wanted) await tx.getRepository(StaffRoleRow).insert({ staffId, role });
      await this.audit.record(
        {
          event: 'staff.roles_changed',
          actor: actor.party,
          subject: { kind: 'staff', id: staffId },
          ip,
          details: { before: current.sort(), after: wanted.sort() },
        },
        tx,
      );
      return staff;
    });
  }

  /** Ends a staff user's access: no new sign-in, no refresh. */
  async setActive(
    staffId: string,
    active: boolean,
    actor: Actor,
    ip: string | null,
  ): Promise<StaffUserRow> {
    const { staff, revoked } = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('identity.staff_role'))`);
      const repo = tx.getRepository(StaffUserRow);
      const staff = await repo.findOneBy({ id: staffId });
      if (!staff)
        throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Staff user not found', ['staffId']);
      if (!active && actor.party.kind === 'staff' && actor.party.id === staffId) {
        throw new DomainError(
          IdentityErrorCode.CANNOT_DEACTIVATE_SELF,
          'You cannot deactivate yourself',
          ['staffId'],
        );
      }
      const roles = (await tx.getRepository(StaffRoleRow).findBy({ staffId })).map((r) => r.role);
      await this.checkGrantable(tx, roles, actor);
      if (!active && roles.includes(SUPER_ADMIN)) await this.keepOneSuperAdmin(tx, staffId);
      staff.active = active;
      staff.updatedAt = new Date();
      await repo.save(staff);
      const revoked = active
        ? []
        : await this.sessions.revokeAllOf({ kind: 'staff', id: staffId }, 'deactivated', tx);
      await this.audit.record(
        {
          event: active ? 'staff.activated' : 'staff.deactivated',
          actor: actor.party,
          subject: { kind: 'staff', id: staffId },
          ip,
        },
        tx,
      );
      return { staff, revoked };
    });
    // Once committed: the user's access tokens stop working now, not when they expire.
    await this.sessions.announceRevoked(revoked);
    return staff;
  }

  async updatePreferences(staffId: string, input: PreferencesInput): Promise<StaffUserRow> {
    const repo = this.db.getRepository(StaffUserRow);
    const staff = await repo.findOneBy({ id: staffId });
    if (!staff) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Staff user not found');
    if (input.language != null) staff.language = requireLanguage(input.language);
    if (input.timezone != null) staff.timezone = requireTimezone(input.timezone);
    if (input.currency != null) staff.currency = requireCurrency(input.currency);
    staff.updatedAt = new Date();
    return repo.save(staff);
  }

  /** Replaces a role's permission set (creating the role when new); super_admin is fixed. */
  async setRolePermissions(
    role: string,
    permissions: string[],
    description: string | null,
    actor: Actor,
    ip: string | null,
  ): Promise<RoleRow> {
    if (!/^[a-z][a-z0-9_]{0,49}$/.test(role ?? '')) {
      throw new DomainError(
        IdentityErrorCode.INVALID_ROLE,
        'Role names are lower case letters, digits and _',
        ['role'],
      );
    }
    if (role === SUPER_ADMIN)
      throw new DomainError(
        IdentityErrorCode.ROLE_FIXED,
        'super_admin always has every permission',
        ['role'],
      );
    const wanted = [...new Set(permissions ?? [])].sort();
    return this.db.transaction(async (tx) => {
      const known = new Set(
        (await rows(tx, `SELECT name FROM identity.permission`)).map((r) => r.name as string),
      );
      const unknown = wanted.filter((p) => !known.has(p));
      if (unknown.length)
        throw new DomainError(
          IdentityErrorCode.UNKNOWN_PERMISSION,
          `Unknown permission ${unknown.join(', ')}`,
          ['permissions'],
        );
      const repo = tx.getRepository(RoleRow);
      let row = await repo.findOne({ where: { name: role }, lock: { mode: 'pessimistic_write' } });
      const before = row
        ? (await tx.getRepository(RolePermissionRow).findBy({ role }))
            .map((r) => r.permission)
            .sort()
        : [];
      const changed = [
        ...wanted.filter((p) => !before.includes(p)),
        ...before.filter((p) => !wanted.includes(p)),
      ];
      requireHolds(actor, changed);
      if (!row)
        row = await repo.save(
          repo.create({ name: role, description: description ?? '', builtIn: false }),
        );
      else if (description != null) row = await repo.save({ ...row, description });
      await tx.getRepository(RolePermissionRow).delete({ role });
      for (const permission of wanted)
        await tx.getRepository(RolePermissionRow).insert({ role, permission });
      await this.audit.record(
        {
          event: 'role.permissions_changed',
          actor: actor.party,
          subject: { kind: 'role', id: role },
          ip,
          details: { before, after: wanted },
        },
        tx,
      );
      return row;
    });
  }

  /**
   * Creates the first super_admin from BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD
   * when there is no staff user at all. Safe to run on every start of every instance.
   */
  async bootstrap(
    email: string | undefined,
    password: string | undefined,
  ): Promise<StaffUserRow | null> {
    if (!email || !password) return null;
    const address = requireEmail(email, 'BOOTSTRAP_ADMIN_EMAIL');
    checkPasswordStrength(password, { email: address, field: 'BOOTSTRAP_ADMIN_PASSWORD' });
    const [{ count }] = await this.db.query(
      `SELECT count(*)::int AS count FROM identity.staff_user`,
    );
    if (count > 0) return null;
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap'))`);
      const [{ count: again }] = await tx.query(
        `SELECT count(*)::int AS count FROM identity.staff_user`,
      );
      if (again > 0) return null;
      const repo = tx.getRepository(StaffUserRow);
      const staff = await repo.save(
        repo.create({ email: address, name: 'Administrator', passwordHash }),
      );
      await tx.getRepository(StaffRoleRow).insert({ staffId: staff.id, role: SUPER_ADMIN });
      await this.audit.record(
        { event: 'staff.bootstrapped', subject: { kind: 'staff', id: staff.id } },
        tx,
      );
      return staff;
    });
  }

  /** The actor must hold every permission of every role it grants or takes away. */
  private async checkGrantable(tx: EntityManager, roles: string[], actor: Actor): Promise<void> {
    if (!roles.length) return;
    const found = await tx.getRepository(RoleRow).findBy({ name: In(roles) });
    const missing = roles.filter((r) => !found.some((f) => f.name === r));
    if (missing.length)
      throw new DomainError(IdentityErrorCode.UNKNOWN_ROLE, `Unknown role ${missing.join(', ')}`, [
        'roles',
      ]);
    const permissions = roles.includes(SUPER_ADMIN)
      ? (await rows(tx, `SELECT name FROM identity.permission`)).map((r) => r.name as string)
      : (await tx.getRepository(RolePermissionRow).findBy({ role: In(roles) })).map(
          (p) => p.permission,
        );
    requireHolds(actor, permissions);
  }

  private async keepOneSuperAdmin(tx: EntityManager, leaving: string): Promise<void> {
    const [{ count }] = await tx.query(
      `SELECT count(*)::int AS count FROM identity.staff_role sr JOIN identity.staff_user s ON s.id = sr.staff_id
        WHERE sr.role = $1 AND s.active AND s.id <> $2`,
      [SUPER_ADMIN, leaving],
    );
    if (count === 0)
      throw new DomainError(
        IdentityErrorCode.LAST_SUPER_ADMIN,
        'There must remain one active super_admin',
      );
  }
}
