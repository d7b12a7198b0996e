import { postGraphQL, dataOf } from '../platform/testing/graphql-client';
import { startTestRedis, type TestRedis } from '../platform/testing/redis';
import { startRouter, type RunningRouter } from '../router/server';
import { devMailbox } from '../subgraphs/identity/domain/mailer';
import { bootstrapAdmin, registerVerified, staffToken, type Caller } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { connectWs, eventually } from './support/subscriptions';

/**
 * Throttles, enumeration and revocation as a client meets them: through the router, with
 * authorization enforced. Each test speaks from its own address (the router trusts one
 * proxy hop here, as behind a load balancer), so per-IP limits of one do not touch another.
 * Two routers share a private Redis, where identity records revoked sessions.
 */
const ADMIN = { email: 'root@abuse.test', password: 'correct horse battery staple' };
let redis: TestRedis;
let platform: TestPlatform;
let second: RunningRouter;
let clearAdmin = (): void => {};

let lastIp = 0;
const freshIp = () => {
  lastIp += 1;
  return `198.51.${Math.floor(lastIp / 250)}.${(lastIp % 250) + 1}`;
};

/** Operations to `url` from `ip`, with `token` as the bearer (none for null). */
const from =
  (ip: string, token: string | null = null, url = () => platform.router.url): Caller =>
  (query, variables = {}) =>
    postGraphQL(url(), query, variables, {
      headers: { 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

const codesOf = (payload: { userErrors: { code: string }[] }) =>
  payload.userErrors.map((e) => e.code);

const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { field code } } }`;
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken userErrors { code } } }`;
const PASSWORD = 'a perfectly fine passphrase';
const registration = (email: string) => ({
  email,
  password: PASSWORD,
  firstName: 'Eve',
  lastName: 'Tester',
});

async function login(caller: Caller, email: string, password: string) {
  return dataOf(await caller(LOGIN, { e: email, p: password })).login as {
    accessToken: string | null;
    refreshToken: string | null;
    userErrors: { code: string }[];
  };
}

async function verifiedCustomer(email: string): Promise<void> {
  await registerVerified(from(freshIp()), email, PASSWORD);
}

beforeAll(async () => {
  redis = await startTestRedis();
  process.env.REDIS_URL = redis.url;
  process.env.TRUSTED_PROXY_HOPS = '1';
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('identity_abuse_router', {
    authorization: 'enforced',
    background: true, // delivers mail
  });
  second = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: platform.subgraphUrls,
    subgraphTimeoutMs: 60_000,
  });
});

afterAll(async () => {
  clearAdmin();
  await second?.stop();
  await platform?.stop();
  await redis?.stop();
  delete process.env.TRUSTED_PROXY_HOPS;
});

describe('enumeration and throttles through the router', () => {
  it('answers a taken email like a free one, mails its owner, and an unverified account like a wrong password', async () => {
    const owner = 'owner@abuse.test';
    await verifiedCustomer(owner);
    const before = devMailbox.messagesTo(owner).length;
    const caller = from(freshIp());
    const taken = dataOf(await caller(REGISTER, { input: registration('OWNER@abuse.test') }));
    const free = dataOf(await caller(REGISTER, { input: registration('free@abuse.test') }));
    expect(taken).toEqual(free);
    expect(taken.register).toEqual({ customer: null, userErrors: [] });
    const mail = await devMailbox.nextMessageTo(owner, 10_000, before);
    expect(mail.subject).toBe('Someone tried to register with your address');
    // free@ never confirmed its address: its right password answers like a wrong one.
    expect(codesOf(await login(caller, 'free@abuse.test', PASSWORD))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(codesOf(await login(caller, 'free@abuse.test', 'not the passphrase'))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
  });

  it('counts 20 aliased registrations from one address as 20 attempts', async () => {
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: register(input: { email: "bulk${i}@abuse.test", password: "${PASSWORD}", firstName: "B", lastName: "K" }) { userErrors { code } }`,
    );
    const answer = dataOf(await from(freshIp())(`mutation { ${aliases.join('\n')} }`));
    const results = Object.values(answer).map((r: any) => r.userErrors[0]?.code ?? 'OK');
    expect(results.filter((c) => c === 'OK')).toHaveLength(10);
    expect(results.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(10);
    const [{ n }] = await platform.subgraphs.identity!.dataSource.query(
      `SELECT count(*)::int AS n FROM identity.customer WHERE email LIKE 'bulk%@abuse.test'`,
    );
    expect(n).toBe(10);
  });

  it('throttles 30 reset requests for one victim and mails it at most 3 times', async () => {
    const victim = 'flooded@abuse.test';
    await verifiedCustomer(victim);
    const before = devMailbox.messagesTo(victim).length;
    // The router takes at most 20 root fields an operation: two operations of 15 aliases.
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: passwordResetRequest(email: "${victim}") { ok userErrors { code } }`,
    );
    const caller = from(freshIp());
    const answers = [
      ...Object.values(dataOf(await caller(`mutation { ${aliases.join('\n')} }`))),
      ...Object.values(dataOf(await caller(`mutation { ${aliases.join('\n')} }`))),
    ];
    const refused = answers.filter((r: any) => r.userErrors[0]?.code === 'TOO_MANY_ATTEMPTS');
    expect(refused).toHaveLength(27);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const mailed = devMailbox.messagesTo(victim).length - before;
    expect(mailed).toBeGreaterThan(0);
    expect(mailed).toBeLessThanOrEqual(3);
  });

  it('slows a guessing address down while the owner signs in from elsewhere', async () => {
    const email = 'guessed@abuse.test';
    await verifiedCustomer(email);
    const attacker = from(freshIp());
    for (let i = 0; i < 5; i += 1)
      expect(codesOf(await login(attacker, email, `wrong password ${i}`))).toEqual([
        'INVALID_CREDENTIALS',
      ]);
    // The guesser waits, even with the right password; nobody is locked out.
    expect(codesOf(await login(attacker, email, PASSWORD))).toEqual(['TOO_MANY_ATTEMPTS']);
    const owner = await login(from(freshIp()), email, PASSWORD);
    expect(owner.userErrors).toEqual([]);
    expect(owner.accessToken).toEqual(expect.any(String));
  });
});

describe('revoked sessions through the router', () => {
  it('logout over HTTP closes a WebSocket on another router and refuses the token on both', async () => {
    const email = 'leaving@abuse.test';
    await verifiedCustomer(email);
    const ip = freshIp();
    const session = await login(from(ip), email, PASSWORD);
    const token = session.accessToken!;
    const socket = connectWs(second.url, token);
    await socket.ready;
    expect((await socket.query('{ me { email } }')).data).toEqual({ me: { email } });

    const out = dataOf(
      await from(ip, token)(`mutation ($t: String!) { logout(refreshToken: $t) { ok } }`, {
        t: session.refreshToken,
      }),
    );
    expect(out.logout.ok).toBe(true);
    await eventually(() => socket.closed() !== null, 5000);
    expect(socket.closed()).toEqual({ code: 4401, reason: 'Session revoked' });
    for (const url of [() => platform.router.url, () => second.url]) {
      const after = await from(ip, token, url)('{ me { email } }');
      expect([after.status, after.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    await socket.client.dispose();
  });

  it("refuses a deactivated staff member's live token within seconds", async () => {
    const admin = await staffToken(from(freshIp()), ADMIN.email, ADMIN.password);
    const created = dataOf(
      await from(freshIp(), admin)(
        `mutation ($input: StaffCreateInput!) { staffCreate(input: $input) { staffUser { id } userErrors { code } } }`,
        {
          input: {
            email: 'clerk@abuse.test',
            name: 'Clerk',
            password: 'clerk passphrase 1',
            roles: ['admin'],
          },
        },
      ),
    ).staffCreate;
    expect(created.userErrors).toEqual([]);
    const clerk = await staffToken(from(freshIp()), 'clerk@abuse.test', 'clerk passphrase 1');
    const asClerk = from(freshIp(), clerk, () => second.url);
    expect(dataOf(await asClerk('{ staffMe { email } }')).staffMe).toEqual({
      email: 'clerk@abuse.test',
    });

    const deactivated = dataOf(
      await from(freshIp(), admin)(
        `mutation ($id: ID!) { staffSetActive(staffId: $id, active: false) { staffUser { active } userErrors { code } } }`,
        { id: created.staffUser.id },
      ),
    ).staffSetActive;
    expect(deactivated).toEqual({ staffUser: { active: false }, userErrors: [] });
    let refused: { status: number; code: unknown } | null = null;
    await eventually(async () => {
      const answer = await asClerk('{ staffMe { email } }');
      refused = { status: answer.status, code: answer.errors?.[0]?.extensions?.code };
      return answer.status === 401;
    }, 5000);
    expect(refused).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
