import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenVerifier } from '../../platform/auth/verify-token';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { devMailbox } from './domain/mailer';
import { timeStep, totpCode } from './domain/totp';
import {
  BOOTSTRAP_ADMIN,
  freshIp,
  type IdentityHarness,
  login,
  LOGIN,
  mailedToken,
  REFRESH,
  startIdentity,
  staffLogin,
  verifiedCustomer,
} from './test-support/harness';

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity');
});

afterAll(async () => {
  await h?.stop();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  h.identity.dataSource.query(text, params);
const codes = (payload: { userErrors: { code: string }[] }) =>
  payload.userErrors.map((e) => e.code);

async function adminViewer(): Promise<Viewer> {
  const admin = await staffLogin(h, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password, {
    ip: freshIp(),
  });
  expect(admin.userErrors).toEqual([]);
  return h.viewerOf(admin.accessToken);
}

async function auditEvents(
  filter: string,
  params: unknown[] = [],
): Promise<{ event: string; ip: string | null; details: any }[]> {
  return sql(
    `SELECT event, ip, details FROM identity.audit_log WHERE ${filter} ORDER BY id`,
    params,
  );
}

describe('customer journey', () => {
  it('registers, verifies by mail, signs in, enrols MFA, rotates refresh tokens and detects reuse', async () => {
    const ip = freshIp();
    const email = 'ada@shop.test';
    const password = 'analytical engine 1843';

    // Register: a verification link is mailed (outbox → delivery → dev mailbox).
    const before = devMailbox.messagesTo(email).length;
    const registered = dataOf(
      await h.gql(
        `mutation ($input: RegisterInput!) {
          register(input: $input) { customer { id email firstName emailVerified segments mfaEnabled } userErrors { code } }
        }`,
        { input: { email: ' Ada@Shop.test ', password, firstName: 'Ada', lastName: 'Lovelace' } },
        { ip },
      ),
    ).register;
    expect(registered.userErrors).toEqual([]);
    expect(registered.customer).toMatchObject({
      email,
      firstName: 'Ada',
      emailVerified: false,
      segments: [],
      mfaEnabled: false,
    });
    const customerId = registered.customer.id;

    // Not verified yet: the right password is not enough.
    expect(codes(await login(h, email, password, { ip }))).toEqual(['EMAIL_NOT_VERIFIED']);

    const token = await mailedToken(email, before);
    const verify = `mutation ($token: String!) { verifyEmail(token: $token) { customer { id emailVerified } userErrors { code } } }`;
    expect(dataOf(await h.gql(verify, { token })).verifyEmail).toEqual({
      customer: { id: customerId, emailVerified: true },
      userErrors: [],
    });
    expect(codes(dataOf(await h.gql(verify, { token })).verifyEmail)).toEqual(['INVALID_TOKEN']);

    // Sign in: a 15-minute EdDSA access token with the documented claims.
    const first = await login(h, email, password, { ip });
    expect(first).toMatchObject({
      mfaRequired: false,
      tokenType: 'Bearer',
      expiresIn: 900,
      userErrors: [],
      customer: { id: customerId },
    });
    const claims = decodeJwt(first.accessToken);
    expect(decodeProtectedHeader(first.accessToken)).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(claims).toMatchObject({
      sub: customerId,
      kind: 'customer',
      iss: 'urn:commerce:identity',
      aud: 'urn:commerce:api',
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(typeof claims.jti).toBe('string');
    expect(typeof claims.sid).toBe('string');
    expect(claims.permissions).toBeUndefined();
    const viewer = await h.viewerOf(first.accessToken);
    expect(viewer).toEqual({ kind: 'customer', customerId });
    expect(dataOf(await h.gql(`{ me { id email } }`, {}, { viewer })).me).toEqual({
      id: customerId,
      email,
    });

    // MFA enrolment: secret + otpauth URI, then a first code activates it and returns recovery codes.
    const started = dataOf(
      await h.gql(
        `mutation { mfaEnrollStart { secret otpauthUri userErrors { code } } }`,
        {},
        { viewer },
      ),
    ).mfaEnrollStart;
    expect(started.otpauthUri).toMatch(
      /^otpauth:\/\/totp\/Commerce:ada%40shop\.test\?secret=[A-Z2-7]+&issuer=Commerce/,
    );
    const secret: string = started.secret;
    const confirmed = dataOf(
      await h.gql(
        `mutation ($code: String!) { mfaEnrollConfirm(code: $code) { recoveryCodes userErrors { code } } }`,
        { code: totpCode(secret) },
        { viewer },
      ),
    ).mfaEnrollConfirm;
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    const stored = await sql(`SELECT secret FROM identity.mfa_totp WHERE principal_id = $1`, [
      customerId,
    ]);
    expect(stored[0].secret).toMatch(/^gcm1:/); // sealed at rest
    expect(
      JSON.stringify(await sql(`SELECT code_hash FROM identity.mfa_recovery_code`)),
    ).not.toContain(confirmed.recoveryCodes[0]);

    // Password alone: mfaRequired, no tokens.
    const needsCode = await login(h, email, password, { ip });
    expect(needsCode).toMatchObject({
      mfaRequired: true,
      accessToken: null,
      refreshToken: null,
      customer: null,
      userErrors: [],
    });

    // The enrolment code cannot be used again; the next step's code works once, never twice.
    expect(codes(await login(h, email, password, { ip }, totpCode(secret, timeStep())))).toEqual([
      'INVALID_MFA_CODE',
    ]);
    const nextCode = totpCode(secret, timeStep() + 1);
    const withCode = await login(h, email, password, { ip }, nextCode);
    expect(withCode).toMatchObject({ mfaRequired: false, userErrors: [] });
    expect(codes(await login(h, email, password, { ip }, nextCode))).toEqual(['INVALID_MFA_CODE']);

    // A recovery code works once.
    const recovery = confirmed.recoveryCodes[0];
    expect((await login(h, email, password, { ip }, recovery)).userErrors).toEqual([]);
    expect(codes(await login(h, email, password, { ip }, recovery))).toEqual(['INVALID_MFA_CODE']);

    // Refresh rotates: a new pair each time.
    const r1 = withCode.refreshToken;
    const rotated = dataOf(await h.gql(REFRESH, { refreshToken: r1 })).refresh;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.refreshToken).not.toBe(r1);
    expect(rotated.accessToken).not.toBe(withCode.accessToken);
    expect(await h.viewerOf(rotated.accessToken)).toEqual({ kind: 'customer', customerId });
    expect(decodeJwt(rotated.accessToken).sid).toBe(decodeJwt(withCode.accessToken).sid);
    const r2 = rotated.refreshToken;
    const r3 = dataOf(await h.gql(REFRESH, { refreshToken: r2 })).refresh.refreshToken;

    // Reusing a spent refresh token revokes the whole session: the newest token fails too.
    expect(codes(dataOf(await h.gql(REFRESH, { refreshToken: r1 })).refresh)).toEqual([
      'REFRESH_TOKEN_REUSED',
    ]);
    expect(codes(dataOf(await h.gql(REFRESH, { refreshToken: r3 })).refresh)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
    const sid = decodeJwt(withCode.accessToken).sid as string;
    expect(
      (await sql(`SELECT revoked_reason FROM identity.session WHERE id = $1`, [sid]))[0]
        .revoked_reason,
    ).toBe('refresh_token_reuse');
    // Only hashes are stored.
    expect(
      await sql(`SELECT 1 FROM identity.refresh_token WHERE token_hash::text LIKE $1`, [`%${r3}%`]),
    ).toEqual([]);

    const events = (await auditEvents(`subject_id = $1`, [customerId])).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'customer.registered',
        'customer.email_verified',
        'login.succeeded',
        'mfa.enrolled',
        'login.mfa_required',
        'login.failed',
        'mfa.recovery_code_used',
        'refresh.reuse_detected',
      ]),
    );
  });

  it('lists and revokes sessions, and logout ends the session of a refresh token', async () => {
    const ip = freshIp();
    const customer = await verifiedCustomer(h, 'grace@shop.test');
    const a = await login(h, customer.email, customer.password, { ip });
    const b = await login(h, customer.email, customer.password, { ip });
    const viewer = await h.viewerOf(a.accessToken);
    const list = async () =>
      dataOf(await h.gql(`{ sessions { id authMethod ip } }`, {}, { viewer })).sessions;
    expect(await list()).toHaveLength(2);
    expect((await list())[0]).toMatchObject({ authMethod: 'password', ip });

    const logout = `mutation ($t: String!) { logout(refreshToken: $t) { ok userErrors { code } } }`;
    expect(dataOf(await h.gql(logout, { t: a.refreshToken })).logout).toEqual({
      ok: true,
      userErrors: [],
    });
    expect(codes(dataOf(await h.gql(REFRESH, { refreshToken: a.refreshToken })).refresh)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
    expect(await list()).toHaveLength(1);

    const [{ id }] = await list();
    const revoke = `mutation ($id: ID!) { revokeSession(id: $id) { ok userErrors { code } } }`;
    const stranger = await verifiedCustomer(h, 'stranger@shop.test');
    const strangerViewer: Viewer = { kind: 'customer', customerId: stranger.id };
    expect(
      codes(dataOf(await h.gql(revoke, { id }, { viewer: strangerViewer })).revokeSession),
    ).toEqual(['NOT_FOUND']);
    expect(dataOf(await h.gql(revoke, { id }, { viewer })).revokeSession).toEqual({
      ok: true,
      userErrors: [],
    });
    expect(codes(dataOf(await h.gql(REFRESH, { refreshToken: b.refreshToken })).refresh)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
    expect(await list()).toEqual([]);
  });

  it('updates the profile and keeps an address book with one default of each kind', async () => {
    const customer = await verifiedCustomer(h, 'mary@shop.test');
    const viewer: Viewer = { kind: 'customer', customerId: customer.id };
    const ADDRESS = 'id name city country isDefaultShipping isDefaultBilling';
    const create = `mutation ($input: CustomerAddressInput!) {
      addressCreate(input: $input) { address { ${ADDRESS} } customer { defaultShippingAddress { id } defaultBillingAddress { id } } userErrors { field code } }
    }`;
    const base = {
      name: 'Mary Somerville',
      line1: 'Burntisland 1',
      city: 'Fife',
      postalCode: 'KY3',
      country: 'gb',
    };
    const home = dataOf(await h.gql(create, { input: base }, { viewer })).addressCreate;
    expect(home.address).toMatchObject({
      country: 'GB',
      isDefaultShipping: true,
      isDefaultBilling: true,
    });
    const office = dataOf(
      await h.gql(
        create,
        { input: { ...base, city: 'London', defaultShipping: true } },
        { viewer },
      ),
    ).addressCreate;
    expect(office.customer).toEqual({
      defaultShippingAddress: { id: office.address.id },
      defaultBillingAddress: { id: home.address.id },
    });
    expect(
      codes(
        dataOf(await h.gql(create, { input: { ...base, country: 'Britain' } }, { viewer }))
          .addressCreate,
      ),
    ).toEqual(['INVALID_COUNTRY']);

    const update = `mutation ($id: ID!, $input: CustomerAddressUpdateInput!) {
      addressUpdate(id: $id, input: $input) { address { ${ADDRESS} } userErrors { code } }
    }`;
    const moved = dataOf(
      await h.gql(
        update,
        { id: home.address.id, input: { city: 'Edinburgh', defaultShipping: true } },
        { viewer },
      ),
    );
    expect(moved.addressUpdate.address).toMatchObject({
      city: 'Edinburgh',
      isDefaultShipping: true,
      isDefaultBilling: true,
    });
    const other: Viewer = {
      kind: 'customer',
      customerId: (await verifiedCustomer(h, 'other@shop.test')).id,
    };
    expect(
      codes(
        dataOf(
          await h.gql(update, { id: home.address.id, input: { city: 'X' } }, { viewer: other }),
        ).addressUpdate,
      ),
    ).toEqual(['NOT_FOUND']);

    const del = `mutation ($id: ID!) { addressDelete(id: $id) { deletedId customer { addresses { id } } userErrors { code } } }`;
    expect(dataOf(await h.gql(del, { id: office.address.id }, { viewer })).addressDelete).toEqual({
      deletedId: office.address.id,
      customer: { addresses: [{ id: home.address.id }] },
      userErrors: [],
    });

    const profile = dataOf(
      await h.gql(
        `mutation { customerUpdate(input: { firstName: "Mary", lastName: "Fairfax" }) { customer { firstName lastName } userErrors { code } } }`,
        {},
        { viewer },
      ),
    ).customerUpdate;
    expect(profile).toEqual({
      customer: { firstName: 'Mary', lastName: 'Fairfax' },
      userErrors: [],
    });
    const anonymous = await h.gql(
      `mutation { customerUpdate(input: { firstName: "X" }) { userErrors { code } } }`,
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses weak passwords and a taken email', async () => {
    const register = `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { field code } } }`;
    const input = { email: 'weak@shop.test', firstName: 'W', lastName: 'K' };
    expect(
      dataOf(await h.gql(register, { input: { ...input, password: 'short' } })).register.userErrors,
    ).toEqual([{ field: ['password'], code: 'PASSWORD_TOO_SHORT' }]);
    expect(
      codes(
        dataOf(await h.gql(register, { input: { ...input, password: 'password123' } })).register,
      ),
    ).toEqual(['PASSWORD_TOO_WEAK']);
    expect(
      codes(
        dataOf(await h.gql(register, { input: { ...input, password: 'aaaaaaaaaaaa' } })).register,
      ),
    ).toEqual(['PASSWORD_TOO_WEAK']);
    expect(
      codes(
        dataOf(
          await h.gql(register, {
            input: { ...input, email: 'not-an-email', password: 'a fine passphrase' },
          }),
        ).register,
      ),
    ).toEqual(['INVALID_EMAIL']);
    await verifiedCustomer(h, 'taken@shop.test');
    expect(
      codes(
        dataOf(
          await h.gql(register, {
            input: { ...input, email: 'TAKEN@shop.test', password: 'a fine passphrase' },
          }),
        ).register,
      ),
    ).toEqual(['EMAIL_TAKEN']);
    const hashes = await sql(
      `SELECT password_hash FROM identity.customer WHERE email = 'taken@shop.test'`,
    );
    expect(hashes[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('brute-force protection', () => {
  it('locks an account after 5 wrong passwords, even for the right one', async () => {
    const customer = await verifiedCustomer(h, 'locked@shop.test');
    for (let i = 0; i < 5; i += 1) {
      expect(codes(await login(h, customer.email, 'wrong password!', { ip: freshIp() }))).toEqual([
        'INVALID_CREDENTIALS',
      ]);
    }
    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'ACCOUNT_LOCKED',
    ]);
    const events = (
      await auditEvents(`details->>'account' = $1`, [`customer:${customer.email}`])
    ).map((e) => e.event);
    expect(events.filter((e) => e === 'login.failed')).toHaveLength(5);
    expect(events).toContain('login.locked_out');
    expect(events).toContain('login.refused');
  });

  it('counts 20 wrong passwords sent as 20 aliases in ONE request as 20 attempts (per IP)', async () => {
    const ip = freshIp();
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: login(email: "nobody${i}@shop.test", password: "wrong password ${i}") { accessToken userErrors { code } }`,
    );
    const response = dataOf(await h.gql(`mutation { ${aliases.join('\n')} }`, {}, { ip }));
    expect(Object.values(response).map((r: any) => r.userErrors[0].code)).toEqual(
      Array(20).fill('INVALID_CREDENTIALS'),
    );
    expect(await auditEvents(`event = 'login.failed' AND ip = $1`, [ip])).toHaveLength(20);

    // The address is now refused, even with a correct password; another address is not.
    const customer = await verifiedCustomer(h, 'innocent@shop.test');
    expect(codes(await login(h, customer.email, customer.password, { ip }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
    expect(
      (await login(h, customer.email, customer.password, { ip: freshIp() })).userErrors,
    ).toEqual([]);
  });

  it('counts 20 aliases against ONE account as 20 attempts: 5 checked, 15 refused, account locked', async () => {
    const ip = freshIp();
    const customer = await verifiedCustomer(h, 'target@shop.test');
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: login(email: "${customer.email}", password: "guess number ${i}") { accessToken userErrors { code } }`,
    );
    const response = dataOf(await h.gql(`mutation { ${aliases.join('\n')} }`, {}, { ip }));
    const results = Object.values(response).map((r: any) => r.userErrors[0].code);
    expect(results).toEqual([
      ...Array(5).fill('INVALID_CREDENTIALS'),
      ...Array(15).fill('ACCOUNT_LOCKED'),
    ]);
    const events = await auditEvents(
      `details->>'account' = $1 AND event IN ('login.failed', 'login.refused')`,
      [`customer:${customer.email}`],
    );
    expect(events).toHaveLength(20);
    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'ACCOUNT_LOCKED',
    ]);
  });

  it('never checks more passwords than the limit, even for parallel requests', async () => {
    const customer = await verifiedCustomer(h, 'parallel@shop.test');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        login(h, customer.email, `parallel guess ${i}`, { ip: freshIp() }),
      ),
    );
    const all = results.map((r) => r.userErrors[0].code);
    expect(all.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(all.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(7);
  });
});

describe('password reset', () => {
  it('answers the same for unknown emails, resets with the mailed token once, and ends every session', async () => {
    const customer = await verifiedCustomer(h, 'reset@shop.test');
    const session = await login(h, customer.email, customer.password, { ip: freshIp() });
    const request = `mutation ($email: String!) { passwordResetRequest(email: $email) { ok userErrors { code } } }`;
    expect(
      dataOf(await h.gql(request, { email: 'nobody@shop.test' })).passwordResetRequest,
    ).toEqual({ ok: true, userErrors: [] });

    const before = devMailbox.messagesTo(customer.email).length;
    expect(dataOf(await h.gql(request, { email: 'RESET@shop.test' })).passwordResetRequest).toEqual(
      { ok: true, userErrors: [] },
    );
    const token = await mailedToken(customer.email, before);
    expect(devMailbox.messagesTo('nobody@shop.test')).toEqual([]);

    const reset = `mutation ($token: String!, $password: String!) { passwordReset(token: $token, newPassword: $password) { ok userErrors { field code } } }`;
    expect(
      dataOf(await h.gql(reset, { token, password: 'short' })).passwordReset.userErrors,
    ).toEqual([{ field: ['newPassword'], code: 'PASSWORD_TOO_SHORT' }]);
    expect(
      dataOf(await h.gql(reset, { token, password: 'a brand new passphrase' })).passwordReset,
    ).toEqual({ ok: true, userErrors: [] });
    expect(
      codes(
        dataOf(await h.gql(reset, { token, password: 'another new passphrase' })).passwordReset,
      ),
    ).toEqual(['INVALID_TOKEN']);

    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(
      (await login(h, customer.email, 'a brand new passphrase', { ip: freshIp() })).userErrors,
    ).toEqual([]);
    expect(
      codes(dataOf(await h.gql(REFRESH, { refreshToken: session.refreshToken })).refresh),
    ).toEqual(['INVALID_REFRESH_TOKEN']);
    const events = (await auditEvents(`subject_id = $1`, [customer.id])).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });
});

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
      'orders:manage',
      'payments:read',
      'promotions:read',
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

    // Deactivation ends sessions and sign-in.
    const deactivate = `mutation ($id: ID!) { staffSetActive(staffId: $id, active: false) { staffUser { active } userErrors { code } } }`;
    expect(
      dataOf(await h.gql(deactivate, { id: created.staffUser.id }, { viewer: admin }))
        .staffSetActive,
    ).toEqual({
      staffUser: { active: false },
      userErrors: [],
    });
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
    expect(failures.totalCount).toBeGreaterThan(20);
    expect(failures.edges.every((e: any) => e.node.event === 'login.failed')).toBe(true);
    expect(JSON.parse(failures.edges[0].node.details)).toHaveProperty('reason');
    // Never a secret in the log.
    const everything = JSON.stringify(await sql(`SELECT * FROM identity.audit_log`));
    expect(everything).not.toMatch(/passphrase|wrong password|rt_|pr_|ev_/);
  });
});

describe('tokens and keys', () => {
  it('publishes the JWKS, rotates keys and keeps the old key until its tokens expire', async () => {
    const customer = await verifiedCustomer(h, 'keys@shop.test');
    const before = await login(h, customer.email, customer.password, { ip: freshIp() });
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const jwks = async () =>
      (await (await fetch(h.jwksUrl)).json()) as {
        keys: { kid: string; kty: string; crv: string; d?: string }[];
      };
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual([oldKid]);
    expect(published.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(published.keys[0]!.d).toBeUndefined();
    const stored = await sql(`SELECT private_jwk FROM identity.signing_key`);
    expect(stored[0].private_jwk).toMatch(/^gcm1:/);

    // Rotation publishes the next key first: tokens are still signed with the current one.
    const newKid = await h.identity.services.keys.rotate();
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const during = await login(h, customer.email, customer.password, { ip: freshIp() });
    expect(decodeProtectedHeader(during.accessToken).kid).toBe(oldKid);

    // Once it activates, it signs; the old key stays published for the tokens it signed.
    await sql(`UPDATE identity.signing_key SET activates_at = now() WHERE kid = $1`, [newKid]);
    h.identity.services.keys.reload();
    const after = await login(h, customer.email, customer.password, { ip: freshIp() });
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    // A verifier that fetched the JWKS after publication (the publish-ahead period is longer
    // than its cache) verifies both old and new tokens.
    const fresh = createTokenVerifier({
      jwksUrl: h.jwksUrl,
      issuer: 'urn:commerce:identity',
      audience: 'urn:commerce:api',
    });
    await expect(fresh.verify(`Bearer ${before.accessToken}`)).resolves.toEqual({
      kind: 'customer',
      customerId: customer.id,
    });
    await expect(fresh.verify(`Bearer ${after.accessToken}`)).resolves.toEqual({
      kind: 'customer',
      customerId: customer.id,
    });

    // Once the old key has been retired for longer than a token lives, it is no longer published.
    await sql(
      `UPDATE identity.signing_key SET activates_at = now() - interval '2 hours' WHERE kid = $1`,
      [newKid],
    );
    await sql(
      `UPDATE identity.signing_key SET activates_at = now() - interval '3 hours' WHERE kid = $1`,
      [oldKid],
    );
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('guards Customer entities: self, services and customer readers only', async () => {
    const owner = await verifiedCustomer(h, 'entity@shop.test');
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id email } } }`;
    const reps = [{ __typename: 'Customer', id: owner.id }];
    const as = async (viewer: Viewer) => dataOf(await h.gql(query, { reps }, { viewer }))._entities;
    expect(await as({ kind: 'customer', customerId: owner.id })).toEqual([
      { id: owner.id, email: owner.email },
    ]);
    expect(await as({ kind: 'service', service: 'orders' })).toEqual([
      { id: owner.id, email: owner.email },
    ]);
    expect(
      await as({ kind: 'customer', customerId: '00000000-0000-4000-8000-000000000000' }),
    ).toEqual([null]);
    expect(await as({ kind: 'staff', staffId: 'x', permissions: ['catalog:write'] })).toEqual([
      null,
    ]);
    expect(await as({ kind: 'anonymous' })).toEqual([null]);
  });

  it('refuses requests that do not come through the router', async () => {
    const response = await fetch(h.identity.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LOGIN, variables: { email: 'a@b.co', password: 'x' } }),
    });
    expect(response.status).toBe(401);
  });
});
