import { decodeJwt, decodeProtectedHeader } from 'jose';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { devMailbox } from './domain/mailer';
import { timeStep, totpCode } from './domain/totp';
import {
  auditEvents as auditOf,
  codes,
  freshIp,
  type IdentityHarness,
  login,
  mailedToken,
  REFRESH,
  startIdentity,
  verifiedCustomer,
} from './test-support/harness';

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity_journey');
});

afterAll(async () => {
  await h?.stop();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => h.sql<T>(text, params);
const auditEvents = (filter: string, params: unknown[] = []) => auditOf(h, filter, params);

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
    // The same answer as for a taken address: the account is named only once confirmed.
    expect(registered).toEqual({ customer: null, userErrors: [] });

    // Not verified yet: the right password is not enough, and it answers what a wrong one does.
    expect(codes(await login(h, email, password, { ip }))).toEqual(['INVALID_CREDENTIALS']);

    const token = await mailedToken(email, before);
    const verify = `mutation ($token: String!) { verifyEmail(token: $token) {
      customer { id email firstName emailVerified segments mfaEnabled } userErrors { code } } }`;
    const verified = dataOf(await h.gql(verify, { token })).verifyEmail;
    expect(verified).toEqual({
      customer: {
        id: expect.any(String),
        email,
        firstName: 'Ada',
        emailVerified: true,
        segments: [],
        mfaEnabled: false,
      },
      userErrors: [],
    });
    const customerId = verified.customer.id;
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
      postalCode: 'KY3 9AA',
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
    ).toEqual(['COUNTRY_UNKNOWN']);

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
    const before = await sql(
      `SELECT password_hash FROM identity.customer WHERE email = 'taken@shop.test'`,
    );
    expect(before[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // A taken address answers like a free one; the account keeps its password.
    expect(
      dataOf(
        await h.gql(register, {
          input: { ...input, email: 'TAKEN@shop.test', password: 'a fine passphrase' },
        }),
      ).register,
    ).toEqual({ customer: null, userErrors: [] });
    expect(
      await sql(`SELECT password_hash FROM identity.customer WHERE email = 'taken@shop.test'`),
    ).toEqual(before);
  });
});
