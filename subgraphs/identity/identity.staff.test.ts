import { decodeJwt } from 'jose';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import {
  adminViewer as adminOf,
  auditEvents as auditOf,
  BOOTSTRAP_ADMIN,
  codes,
  freshIp,
  type IdentityHarness,
  login,
  REFRESH,
  startIdentity,
  staffLogin,
  verifiedCustomer,
} from './test-support/harness';

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity_staff');
});

afterAll(async () => {
  await h?.stop();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => h.sql<T>(text, params);
const adminViewer = (): Promise<Viewer> => adminOf(h);
const auditEvents = (filter: string, params: unknown[] = []) => auditOf(h, filter, params);

describe('staff', () => {
  const STAFF_CREATE = `mutation ($input: StaffCreateInput!) {
    staffCreate(input: $input) { staffUser { id email roles { name } permissions } userErrors { field code } }
  }`;

  it('bootstraps a super_admin whose token carries every permission', async () => {
    const admin = await staffLogin(h, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password, {
      ip: freshIp(),
    });
    expect(admin.userErrors).toEqual([]);
    expect(decodeJwt(admin.accessToken)).toMatchObject({ kind: 'staff', sub: admin.staffUser.id });
    const viewer = await h.viewerOf(admin.accessToken);
    expect(viewer.kind).toBe('staff');
    expect((viewer as { permissions: string[] }).permissions).toEqual(
      expect.arrayContaining([
        'identity:manage',
        'catalog:write',
        'payments:refund',
        'promotions:write',
        'location:manage',
        'shipping:manage',
        'drafts:manage',
        'orders:edit',
        'returns:manage',
      ]),
    );
    // A customer login with the admin's credentials is not a staff login.
    expect(
      codes(await login(h, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password, { ip: freshIp() })),
    ).toEqual(['INVALID_CREDENTIALS']);
  });

  it('creates staff, assigns roles (no escalation), and refuses callers without identity:manage', async () => {
    const admin = await adminViewer();
    const created = dataOf(
      await h.gql(
        STAFF_CREATE,
        {
          input: {
            email: 'clerk@shop.test',
            name: 'Clerk',
            password: 'clerk passphrase 1',
            roles: ['staff'],
          },
        },
        { viewer: admin },
      ),
    ).staffCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.staffUser.roles).toEqual([{ name: 'staff' }]);
    expect(created.staffUser.permissions).toEqual([
      'customers:read',
      'fulfillment:manage',
      // Staff issue goodwill gift cards and look at customers' points (migration 0008).
      'loyalty:manage',
      // Staff look into emails that did not arrive and moderate reviews (migration 0007).
      'notifications:manage',
      'orders:manage',
      'payments:read',
      'promotions:read',
      // Staff who handle orders handle returns too (migration 0006).
      'returns:manage',
      'reviews:moderate',
    ]);

    const clerkLogin = await staffLogin(h, 'clerk@shop.test', 'clerk passphrase 1', {
      ip: freshIp(),
    });
    const clerk = await h.viewerOf(clerkLogin.accessToken);
    expect(clerk).toEqual({
      kind: 'staff',
      staffId: created.staffUser.id,
      permissions: created.staffUser.permissions,
    });

    // Without identity:manage: FORBIDDEN for staff, UNAUTHENTICATED for nobody, FORBIDDEN for customers.
    const input = {
      email: 'evil@shop.test',
      name: 'Evil',
      password: 'evil passphrase 1',
      roles: ['super_admin'],
    };
    expect(
      (await h.gql(STAFF_CREATE, { input }, { viewer: clerk })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await h.gql(STAFF_CREATE, { input })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const shopper: Viewer = {
      kind: 'customer',
      customerId: '00000000-0000-4000-8000-000000000000',
    };
    expect(
      (await h.gql(STAFF_CREATE, { input }, { viewer: shopper })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await h.gql(`{ auditLog(first: 1) { totalCount } }`, {}, { viewer: clerk })).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
    const segments = `mutation ($id: ID!) { customerSetSegments(customerId: $id, segments: ["vip"]) { userErrors { code } } }`;
    const vip = await verifiedCustomer(h, 'vip@shop.test');
    expect(
      (await h.gql(segments, { id: vip.id }, { viewer: clerk })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    // Even AUTHORIZATION_MODE=open does not open identity management.
    process.env.AUTHORIZATION_MODE = 'open';
    try {
      expect(
        (await h.gql(STAFF_CREATE, { input }, { viewer: clerk })).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
    } finally {
      delete process.env.AUTHORIZATION_MODE;
    }

    // Staff can read customers; identity managers set segments.
    const setSegments = `mutation ($id: ID!, $s: [String!]!) { customerSetSegments(customerId: $id, segments: $s) { customer { segments } userErrors { code } } }`;
    expect(
      dataOf(
        await h.gql(setSegments, { id: vip.id, s: ['VIP', 'wholesale', 'vip'] }, { viewer: admin }),
      ).customerSetSegments,
    ).toEqual({
      customer: { segments: ['vip', 'wholesale'] },
      userErrors: [],
    });
    expect(
      codes(
        dataOf(await h.gql(setSegments, { id: vip.id, s: ['no spaces'] }, { viewer: admin }))
          .customerSetSegments,
      ),
    ).toEqual(['INVALID_SEGMENT']);
    expect(
      dataOf(
        await h.gql(
          `query ($id: ID!) { customer(id: $id) { email segments } }`,
          { id: vip.id },
          { viewer: clerk },
        ),
      ).customer,
    ).toEqual({
      email: 'vip@shop.test',
      segments: ['vip', 'wholesale'],
    });

    // An identity manager without shop permissions cannot hand them out.
    const setRole = `mutation ($role: String!, $p: [String!]!) { roleSetPermissions(role: $role, permissions: $p) { role { name permissions } userErrors { code } } }`;
    expect(
      dataOf(
        await h.gql(
          setRole,
          { role: 'people_ops', p: ['identity:manage', 'customers:read'] },
          { viewer: admin },
        ),
      ).roleSetPermissions,
    ).toEqual({
      role: { name: 'people_ops', permissions: ['customers:read', 'identity:manage'] },
      userErrors: [],
    });
    const hr = dataOf(
      await h.gql(
        STAFF_CREATE,
        {
          input: {
            email: 'hr@shop.test',
            name: 'HR',
            password: 'people ops passphrase',
            roles: ['people_ops'],
          },
        },
        { viewer: admin },
      ),
    ).staffCreate.staffUser;
    const hrViewer = await h.viewerOf(
      (await staffLogin(h, 'hr@shop.test', 'people ops passphrase', { ip: freshIp() })).accessToken,
    );
    const assign = `mutation ($id: ID!, $roles: [String!]!) { staffAssignRoles(staffId: $id, roles: $roles) { staffUser { roles { name } permissions } userErrors { code } } }`;
    expect(
      codes(
        dataOf(
          await h.gql(assign, { id: hr.id, roles: ['people_ops', 'admin'] }, { viewer: hrViewer }),
        ).staffAssignRoles,
      ),
    ).toEqual(['PERMISSION_NOT_HELD']);
    expect(
      codes(
        dataOf(
          await h.gql(
            assign,
            { id: created.staffUser.id, roles: ['super_admin'] },
            { viewer: hrViewer },
          ),
        ).staffAssignRoles,
      ),
    ).toEqual(['PERMISSION_NOT_HELD']);
    expect(
      codes(
        dataOf(
          await h.gql(
            setRole,
            { role: 'people_ops', p: ['identity:manage', 'catalog:write'] },
            { viewer: hrViewer },
          ),
        ).roleSetPermissions,
      ),
    ).toEqual(['PERMISSION_NOT_HELD']);

    // The admin promotes the clerk; the clerk's next refresh carries the new permissions.
    const promoted = dataOf(
      await h.gql(assign, { id: created.staffUser.id, roles: ['admin'] }, { viewer: admin }),
    ).staffAssignRoles;
    expect(promoted.userErrors).toEqual([]);
    expect(promoted.staffUser.permissions).toContain('catalog:write');
    const refreshed = dataOf(
      await h.gql(REFRESH, { refreshToken: clerkLogin.refreshToken }),
    ).refresh;
    expect(
      ((await h.viewerOf(refreshed.accessToken)) as { permissions: string[] }).permissions,
    ).toContain('catalog:write');

    // The last super_admin cannot lose the role.
    const rootId = (admin as { staffId: string }).staffId;
    expect(
      codes(
        dataOf(await h.gql(assign, { id: rootId, roles: ['admin'] }, { viewer: admin }))
          .staffAssignRoles,
      ),
    ).toEqual(['LAST_SUPER_ADMIN']);

    // Deactivation ends sessions and sign-in, and routers refuse the live access token.
    const clerkSid = decodeJwt(refreshed.accessToken).sid as string;
    expect(await h.services.revocations.isRevoked(clerkSid)).toBe(false);
    const deactivate = `mutation ($id: ID!) { staffSetActive(staffId: $id, active: false) { staffUser { active } userErrors { code } } }`;
    expect(
      dataOf(await h.gql(deactivate, { id: created.staffUser.id }, { viewer: admin }))
        .staffSetActive,
    ).toEqual({
      staffUser: { active: false },
      userErrors: [],
    });
    expect(await h.services.revocations.isRevoked(clerkSid)).toBe(true);
    expect(
      codes(dataOf(await h.gql(REFRESH, { refreshToken: refreshed.refreshToken })).refresh),
    ).toEqual(['INVALID_REFRESH_TOKEN']);
    expect(
      codes(await staffLogin(h, 'clerk@shop.test', 'clerk passphrase 1', { ip: freshIp() })),
    ).toEqual(['INVALID_CREDENTIALS']);

    const events = (await auditEvents(`subject_kind = 'staff'`)).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'staff.bootstrapped',
        'staff.created',
        'staff.roles_changed',
        'staff.deactivated',
      ]),
    );
  });

  it('keeps staff preferences', async () => {
    const admin = await adminViewer();
    const update = `mutation ($input: StaffPreferencesInput!) { staffUpdatePreferences(input: $input) { staffUser { preferences { language timezone currency } } userErrors { field code } } }`;
    expect(
      dataOf(
        await h.gql(
          update,
          { input: { language: 'de-CH', timezone: 'Europe/Zurich', currency: 'chf' } },
          { viewer: admin },
        ),
      ).staffUpdatePreferences,
    ).toEqual({
      staffUser: { preferences: { language: 'de-CH', timezone: 'Europe/Zurich', currency: 'CHF' } },
      userErrors: [],
    });
    expect(
      dataOf(await h.gql(update, { input: { timezone: 'Mars/Olympus' } }, { viewer: admin }))
        .staffUpdatePreferences.userErrors,
    ).toEqual([{ field: ['timezone'], code: 'INVALID_TIMEZONE' }]);
    expect(
      dataOf(
        await h.gql(
          `{ staffMe { preferences { currency } roles { name } } }`,
          {},
          { viewer: admin },
        ),
      ).staffMe,
    ).toEqual({
      preferences: { currency: 'CHF' },
      roles: [{ name: 'super_admin' }],
    });
  });

  it('shows the audit log to identity managers, newest first, page by page', async () => {
    const admin = await adminViewer();
    const ip = freshIp();
    for (let i = 0; i < 4; i += 1)
      await login(h, `nobody${i}@shop.test`, 'a wrong password', { ip });
    const query = `query ($after: String, $event: String) {
      auditLog(first: 3, after: $after, event: $event) { totalCount pageInfo { hasNextPage endCursor } edges { node { id event ip details } } }
    }`;
    const first = dataOf(await h.gql(query, {}, { viewer: admin })).auditLog;
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(
      await h.gql(query, { after: first.pageInfo.endCursor }, { viewer: admin }),
    ).auditLog;
    expect(Number(second.edges[0].node.id)).toBeLessThan(Number(first.edges[2].node.id));
    const failures = dataOf(
      await h.gql(query, { event: 'login.failed' }, { viewer: admin }),
    ).auditLog;
    expect(failures.totalCount).toBeGreaterThanOrEqual(4);
    expect(failures.edges.every((e: any) => e.node.event === 'login.failed')).toBe(true);
    expect(JSON.parse(failures.edges[0].node.details)).toHaveProperty('reason');
    // Never a secret in the log.
    const everything = JSON.stringify(await sql(`SELECT * FROM identity.audit_log`));
    expect(everything).not.toMatch(/passphrase|wrong password|rt_|pr_|ev_/);
  });
});
