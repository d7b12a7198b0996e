import { dataOf } from '../../platform/testing/graphql-client';
import { devMailbox } from './domain/mailer';
import { timeStep, totpCode } from './domain/totp';
import {
  auditEvents,
  codes,
  freshIp,
  type IdentityHarness,
  login,
  mailedToken,
  startIdentity,
  verifiedCustomer,
} from './test-support/harness';

/**
 * Sign-in throttling that keeps a guesser out without locking the owner out: per account
 * and source a pause that doubles, per account (from everywhere) a higher limit, per IP a
 * limit across accounts; a right password with a second factor, or a reset, gets through.
 */
let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity_bruteforce', { LOGIN_MAX_FAILURES_PER_ACCOUNT: '8' });
});

afterAll(async () => {
  await h?.stop();
});

const guesses = (email: string, n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `a${i}: login(email: "${email}", password: "guess number ${i}") { accessToken userErrors { code } }`,
  ).join('\n');

const pausedUntil = async (key: string) =>
  (
    await h.sql(
      `SELECT extract(epoch FROM locked_until - now())::int AS s FROM identity.login_throttle WHERE scope = 'login_source' AND key = $1`,
      [key],
    )
  )[0]?.s as number | undefined;

describe('sign-in throttling', () => {
  it('slows down a source after 5 wrong passwords, while the owner elsewhere signs in', async () => {
    const customer = await verifiedCustomer(h, 'victim@shop.test');
    const attacker = freshIp();
    for (let i = 0; i < 5; i += 1) {
      expect(
        codes(await login(h, customer.email, `wrong password ${i}`, { ip: attacker })),
      ).toEqual(['INVALID_CREDENTIALS']);
    }
    // The attacker's source waits, even with the right password...
    expect(codes(await login(h, customer.email, customer.password, { ip: attacker }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
    // ...the owner, from anywhere else, is not locked out.
    expect(
      (await login(h, customer.email, customer.password, { ip: freshIp() })).userErrors,
    ).toEqual([]);
    const events = (
      await auditEvents(h, `details->>'account' = $1`, [`customer:${customer.email}`])
    ).map((e) => e.event);
    expect(events.filter((e) => e === 'login.failed')).toHaveLength(5);
    expect(events).toContain('login.throttled');
    expect(events).toContain('login.refused');
  });

  it('pauses rather than locks: one more guess after each pause, and the pause doubles', async () => {
    const customer = await verifiedCustomer(h, 'patient@shop.test');
    const ip = freshIp();
    dataOf(await h.gql(`mutation { ${guesses(customer.email, 5)} }`, {}, { ip }));
    const key = `customer:${customer.email}|${ip}`;
    expect(await pausedUntil(key)).toBeGreaterThan(25);
    // The pause is over (as if 30 seconds had passed): one attempt is checked, then a longer pause.
    await h.sql(
      `UPDATE identity.login_throttle SET locked_until = now() WHERE scope = 'login_source' AND key = $1`,
      [key],
    );
    expect(codes(await login(h, customer.email, 'one more guess', { ip }))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(await pausedUntil(key)).toBeGreaterThan(55);
    expect(codes(await login(h, customer.email, customer.password, { ip }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
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
    expect(await auditEvents(h, `event = 'login.failed' AND ip = $1`, [ip])).toHaveLength(20);

    // The address is now refused, even with a correct password; another address is not.
    const customer = await verifiedCustomer(h, 'innocent@shop.test');
    expect(codes(await login(h, customer.email, customer.password, { ip }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
    expect(
      (await login(h, customer.email, customer.password, { ip: freshIp() })).userErrors,
    ).toEqual([]);
  });

  it('counts 20 aliases against ONE account as 20 attempts: 5 checked, 15 refused', async () => {
    const ip = freshIp();
    const customer = await verifiedCustomer(h, 'target@shop.test');
    const response = dataOf(await h.gql(`mutation { ${guesses(customer.email, 20)} }`, {}, { ip }));
    expect(Object.values(response).map((r: any) => r.userErrors[0].code)).toEqual([
      ...Array(5).fill('INVALID_CREDENTIALS'),
      ...Array(15).fill('TOO_MANY_ATTEMPTS'),
    ]);
    const events = await auditEvents(
      h,
      `details->>'account' = $1 AND event IN ('login.failed', 'login.refused')`,
      [`customer:${customer.email}`],
    );
    expect(events).toHaveLength(20);
    expect(
      (await login(h, customer.email, customer.password, { ip: freshIp() })).userErrors,
    ).toEqual([]);
  });

  it('never checks more passwords than the limit, even for parallel requests', async () => {
    const customer = await verifiedCustomer(h, 'parallel@shop.test');
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(h, customer.email, `parallel guess ${i}`, { ip })),
    );
    const all = results.map((r) => r.userErrors[0].code);
    expect(all.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    expect(all.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(7);
  });

  it('lets the owner of an account guessed at from many addresses in with password and MFA code', async () => {
    const customer = await verifiedCustomer(h, 'spread@shop.test');
    const ip = freshIp();
    const first = await login(h, customer.email, customer.password, { ip });
    const viewer = await h.viewerOf(first.accessToken);
    const { secret } = dataOf(
      await h.gql(`mutation { mfaEnrollStart { secret } }`, {}, { viewer }),
    ).mfaEnrollStart;
    const step = timeStep();
    dataOf(
      await h.gql(
        `mutation ($code: String!) { mfaEnrollConfirm(code: $code) { recoveryCodes } }`,
        { code: totpCode(secret, step) },
        { viewer },
      ),
    );
    // Eight guesses from eight addresses pause the account everywhere...
    for (let i = 0; i < 8; i += 1) {
      await login(h, customer.email, `spread guess ${i}`, { ip: freshIp() });
    }
    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
    // ...and a wrong code or a wrong password with the code do not get past it...
    expect(
      codes(
        await login(
          h,
          customer.email,
          'spread guess 9',
          { ip: freshIp() },
          totpCode(secret, step + 1),
        ),
      ),
    ).toEqual(['TOO_MANY_ATTEMPTS']);
    expect(
      codes(await login(h, customer.email, customer.password, { ip: freshIp() }, '000000')),
    ).toEqual(['TOO_MANY_ATTEMPTS']);
    // ...but the right password with a valid second factor does.
    const owner = await login(
      h,
      customer.email,
      customer.password,
      { ip: freshIp() },
      totpCode(secret, step + 1),
    );
    expect(owner.userErrors).toEqual([]);
    expect(owner.accessToken).toEqual(expect.any(String));
  });

  it('lets the owner in after a fresh password reset', async () => {
    const customer = await verifiedCustomer(h, 'reset.me@shop.test');
    for (let i = 0; i < 8; i += 1) {
      await login(h, customer.email, `spread guess ${i}`, { ip: freshIp() });
    }
    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'TOO_MANY_ATTEMPTS',
    ]);
    const before = devMailbox.messagesTo(customer.email).length;
    dataOf(
      await h.gql(`mutation ($e: String!) { passwordResetRequest(email: $e) { ok } }`, {
        e: customer.email,
      }),
    );
    const token = await mailedToken(customer.email, before);
    expect(
      dataOf(
        await h.gql(
          `mutation ($t: String!) { passwordReset(token: $t, newPassword: "a fresh passphrase now") { ok userErrors { code } } }`,
          { t: token },
        ),
      ).passwordReset,
    ).toEqual({ ok: true, userErrors: [] });
    expect(
      (await login(h, customer.email, 'a fresh passphrase now', { ip: freshIp() })).userErrors,
    ).toEqual([]);
  });
});
