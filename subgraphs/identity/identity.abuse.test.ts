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
  h = await startIdentity('identity_abuse');
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
      field: 'input.firstName',
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
    expect(await errorsOf({ country: 'XX' })).toEqual([
      { field: ['input', 'country'], code: 'INVALID_COUNTRY' },
    ]);
    expect(await errorsOf({ postalCode: 'ABC' })).toEqual([
      { field: ['input', 'postalCode'], code: 'INVALID_POSTAL_CODE' },
    ]);
    expect(await errorsOf({ phone: '<script>1</script>' })).toEqual([
      { field: ['input', 'phone'], code: 'INVALID_PHONE' },
    ]);
    expect(await errorsOf({ name: 'n'.repeat(100_000) })).toEqual([
      { field: ['input', 'name'], code: 'INVALID_TEXT' },
    ]);
    expect(await errorsOf({ line1: 'Street\u0007 1' })).toEqual([
      { field: ['input', 'line1'], code: 'INVALID_TEXT' },
    ]);
    expect(await errorsOf({})).toEqual([]);
  });
});
