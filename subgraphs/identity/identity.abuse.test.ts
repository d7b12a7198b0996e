import { decodeJwt } from 'jose';
import { dataOf } from '../../platform/testing/graphql-client';
import { devMailbox } from './domain/mailer';
import {
  codes,
  freshIp,
  type IdentityHarness,
  login,
  startIdentity,
  verifiedCustomer,
} from './test-support/harness';

/** Enumeration, registration and reset throttles, the mail cap, revocations, bad input. */
let h: IdentityHarness;

beforeAll(async () => {
  // A mail cap below what the per-email request throttles let through together (3 + 3).
  h = await startIdentity('identity_abuse', { MAILS_PER_ADDRESS_PER_HOUR: '4' });
});

afterAll(async () => {
  await h?.stop();
});

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { field code } } }`;
const input = (email: string) => ({
  email,
  password: 'a perfectly fine passphrase',
  firstName: 'Eve',
  lastName: 'Tester',
});

describe('abuse', () => {
  it('answers a taken email like a free one and mails its owner instead', async () => {
    const owner = await verifiedCustomer(h, 'owner@shop.test');
    const before = devMailbox.messagesTo(owner.email).length;
    const taken = dataOf(await h.gql(REGISTER, { input: input('OWNER@shop.test') })).register;
    const free = dataOf(await h.gql(REGISTER, { input: input('free@shop.test') })).register;
    expect(taken).toEqual(free);
    expect(taken).toEqual({ customer: null, userErrors: [] });
    const mail = await devMailbox.nextMessageTo(owner.email, 10_000, before);
    expect(mail.subject).toBe('Someone tried to register with your address');
    // An unconfirmed account's right password answers like a wrong one.
    expect(codes(await login(h, 'free@shop.test', 'a perfectly fine passphrase'))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(codes(await login(h, 'free@shop.test', 'not the passphrase'))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
  });

  it('counts 20 aliased registrations as 20 attempts, per IP', async () => {
    const ip = freshIp();
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: register(input: { email: "bulk${i}@shop.test", password: "a perfectly fine passphrase", firstName: "B", lastName: "K" }) { userErrors { code } }`,
    );
    const response = dataOf(await h.gql(`mutation { ${aliases.join('\n')} }`, {}, { ip }));
    const results = Object.values(response).map((r: any) => r.userErrors[0]?.code ?? 'OK');
    expect(results.filter((c) => c === 'OK')).toHaveLength(10);
    expect(results.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(10);
    expect(
      (await h.sql(`SELECT count(*)::int AS n FROM identity.customer WHERE email LIKE 'bulk%'`))[0]
        .n,
    ).toBe(10);
  });

  it('throttles reset requests per email and caps the mails one address receives', async () => {
    const victim = await verifiedCustomer(h, 'flooded@shop.test');
    const before = devMailbox.messagesTo(victim.email).length;
    const aliases = Array.from(
      { length: 30 },
      (_, i) => `a${i}: passwordResetRequest(email: "${victim.email}") { ok userErrors { code } }`,
    );
    const response = dataOf(
      await h.gql(`mutation { ${aliases.join('\n')} }`, {}, { ip: freshIp() }),
    );
    const refused = Object.values(response).filter(
      (r: any) => r.userErrors[0]?.code === 'TOO_MANY_ATTEMPTS',
    );
    expect(refused).toHaveLength(27);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(devMailbox.messagesTo(victim.email).length - before).toBeLessThanOrEqual(3);
  });

  it('caps the mails one address receives across kinds, whatever the request throttles allow', async () => {
    // Two more registrations for the taken address (each mails its owner; the account's own
    // registration used the third) and three reset requests pass their per-email throttles:
    // five mails asked for, and the cap (4 an hour here) holds.
    const owner = await verifiedCustomer(h, 'capped@shop.test');
    const before = devMailbox.messagesTo(owner.email).length;
    for (let i = 0; i < 2; i++) {
      const answer = dataOf(
        await h.gql(REGISTER, { input: input(owner.email) }, { ip: freshIp() }),
      );
      expect(answer.register.userErrors).toEqual([]);
    }
    for (let i = 0; i < 3; i++) {
      const answer = dataOf(
        await h.gql(
          `mutation ($e: String!) { passwordResetRequest(email: $e) { ok userErrors { code } } }`,
          { e: owner.email },
          { ip: freshIp() },
        ),
      );
      expect(answer.passwordResetRequest.userErrors).toEqual([]);
    }
    await devMailbox.nextMessageTo(owner.email, 10_000, before + 3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(devMailbox.messagesTo(owner.email).length - before).toBe(4);
  });

  it('revokes the session on logout, so routers refuse its access tokens', async () => {
    const customer = await verifiedCustomer(h, 'leaving@shop.test');
    const session = await login(h, customer.email, customer.password, { ip: freshIp() });
    const sid = decodeJwt(session.accessToken).sid as string;
    expect(await h.services.revocations.isRevoked(sid)).toBe(false);
    dataOf(
      await h.gql(`mutation ($t: String!) { logout(refreshToken: $t) { ok } }`, {
        t: session.refreshToken,
      }),
    );
    expect(await h.services.revocations.isRevoked(sid)).toBe(true);
  });

  it('refuses NUL bytes, huge names and bad addresses with clear codes', async () => {
    // The platform refuses NUL in any variable before a resolver runs.
    const nul = await h.gql(REGISTER, {
      input: { ...input('nul@shop.test'), firstName: 'A\u0000' },
    });
    expect(nul.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      variable: 'input.firstName',
    });
    const huge = dataOf(
      await h.gql(REGISTER, {
        input: { ...input('huge@shop.test'), lastName: 'x'.repeat(100_000) },
      }),
    );
    expect(huge.register.userErrors).toEqual([{ field: ['lastName'], code: 'INVALID_TEXT' }]);
    const badEmail = dataOf(await h.gql(REGISTER, { input: input('a b@shop.test') }));
    expect(codes(badEmail.register)).toEqual(['INVALID_EMAIL']);

    const customer = await verifiedCustomer(h, 'addresses@shop.test');
    const viewer = { kind: 'customer', customerId: customer.id } as const;
    const create = `mutation ($input: CustomerAddressInput!) { addressCreate(input: $input) { address { id } userErrors { field code } } }`;
    const base = {
      name: 'Ada',
      line1: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    };
    const errorsOf = async (patch: object) =>
      dataOf(await h.gql(create, { input: { ...base, ...patch } }, { viewer })).addressCreate
        .userErrors;
    // Location decides what an address is; identity hands on its userError, field and code.
    expect(await errorsOf({ country: 'XX' })).toEqual([
      { field: ['input', 'country'], code: 'COUNTRY_UNKNOWN' },
    ]);
    expect(h.location.requests.at(-1)!.variables).toEqual({
      input: { ...base, company: null, line2: null, region: null, phone: null, country: 'XX' },
      require: ['NAME', 'CITY', 'POSTAL_CODE'],
    });
    // Location down: refused as retryable, nothing stored.
    h.location.down = true;
    expect(await errorsOf({})).toEqual([{ field: null, code: 'UPSTREAM_UNAVAILABLE' }]);
    h.location.down = false;
    const [{ n }] = await h.sql(
      `SELECT count(*)::int AS n FROM identity.customer_address WHERE customer_id = $1`,
      [customer.id],
    );
    expect(n).toBe(0);
    expect(await errorsOf({})).toEqual([]);
  });
});
