import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dataOf } from '../../platform/testing/graphql-client';
import { type IdentityHarness, freshIp, startIdentity } from './test-support/harness';

const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback/local';
const USERS = [
  {
    sub: 'local-user-1',
    email: 'Ann.Provider@example.test',
    email_verified: true,
    given_name: 'Ann',
    family_name: 'Provider',
  },
  { sub: 'local-user-2', email: 'newbie@example.test', email_verified: true, name: 'Nina Newbie' },
  { sub: 'local-user-3', email: 'unverified@example.test', email_verified: false, name: 'Ulla U' },
];

let provider: ChildProcess;
let issuer: string;
let h: IdentityHarness;

/** Starts the real oidc-provider (ESM-only) in a child process and waits for its issuer URL. */
async function startProvider(): Promise<void> {
  provider = spawn(process.execPath, [join(__dirname, 'test-support', 'oidc-provider.mjs')], {
    env: {
      ...process.env,
      OIDC_TEST_CONFIG: JSON.stringify({
        clientId: 'shop',
        clientSecret: 'shop-secret',
        redirectUri: REDIRECT_URI,
        users: USERS,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  provider.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  const lines = createInterface({ input: provider.stdout! });
  issuer = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { issuer: string }).issuer));
    provider.once('exit', (code) =>
      reject(new Error(`oidc-provider exited (${code}): ${stderr.join('')}`)),
    );
  });
}

beforeAll(async () => {
  await startProvider();
  h = await startIdentity('identity_oidc', {
    OIDC_PROVIDERS: JSON.stringify([
      {
        name: 'local',
        issuer,
        clientId: 'shop',
        clientSecret: 'shop-secret',
        redirectUri: REDIRECT_URI,
      },
    ]),
  });
});

afterAll(async () => {
  await h?.stop();
  delete process.env.OIDC_PROVIDERS;
  if (provider && provider.exitCode === null) {
    const exited = new Promise((resolve) => provider.once('exit', resolve));
    provider.kill('SIGTERM');
    await exited;
  }
});

const START = `mutation ($p: String!) { oidcStart(provider: $p) { authorizationUrl state userErrors { code } } }`;
const CALLBACK = `mutation ($p: String!, $code: String!, $state: String!) {
  oidcCallback(provider: $p, code: $code, state: $state) {
    mfaRequired accessToken refreshToken customer { id email firstName lastName emailVerified } userErrors { code message }
  }
}`;

/** Plays the browser: follows the provider's redirects, keeping its cookies, up to our redirect URI. */
async function authorize(
  authorizationUrl: string,
  loginHint?: string,
): Promise<{ code: string; state: string }> {
  const cookies = new Map<string, string>();
  const first = new URL(authorizationUrl);
  if (loginHint) first.searchParams.set('login_hint', loginHint);
  let url = first.toString();
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair!.indexOf('=');
      cookies.set(pair!.slice(0, index).trim(), pair!.slice(index + 1));
    }
    const location = response.headers.get('location');
    if (!location)
      throw new Error(`no redirect from ${url}: ${response.status} ${await response.text()}`);
    url = new URL(location, url).toString();
    if (url.startsWith(REDIRECT_URI)) {
      const params = new URL(url).searchParams;
      if (params.get('error'))
        throw new Error(
          `provider error: ${params.get('error')} ${params.get('error_description')}`,
        );
      return { code: params.get('code')!, state: params.get('state')! };
    }
  }
  throw new Error('too many redirects');
}

async function start(): Promise<{ authorizationUrl: string; state: string }> {
  const started = dataOf(await h.gql(START, { p: 'local' })).oidcStart;
  expect(started.userErrors).toEqual([]);
  return started;
}

describe('social login with OpenID Connect', () => {
  it('lists the configured providers', async () => {
    expect(dataOf(await h.gql(`{ oidcProviders }`)).oidcProviders).toEqual(['local']);
    expect(dataOf(await h.gql(START, { p: 'nope' })).oidcStart.userErrors).toEqual([
      { code: 'UNKNOWN_PROVIDER' },
    ]);
  });

  it('links to the customer with the same verified email, then signs in by the provider identity', async () => {
    // A shopper registered with a password earlier, and never verified the email.
    const registered = dataOf(
      await h.gql(
        `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { code } } }`,
        {
          input: {
            email: 'ann.provider@example.test',
            password: 'an existing passphrase',
            firstName: 'Ann',
            lastName: 'P',
          },
        },
      ),
    ).register;
    expect(registered).toEqual({ customer: null, userErrors: [] });
    const [{ id }] = await h.sql(`SELECT id FROM identity.customer WHERE email = $1`, [
      'ann.provider@example.test',
    ]);

    const started = await start();
    const url = new URL(started.authorizationUrl);
    expect(url.origin).toBe(issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'shop',
      redirect_uri: REDIRECT_URI,
      code_challenge_method: 'S256',
      state: started.state,
    });
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { code, state } = await authorize(started.authorizationUrl);
    expect(state).toBe(started.state);
    const ip = freshIp();
    const result = dataOf(await h.gql(CALLBACK, { p: 'local', code, state }, { ip })).oidcCallback;
    expect(result.userErrors).toEqual([]);
    expect(result.customer).toEqual({
      id: id,
      email: 'ann.provider@example.test',
      firstName: 'Ann',
      lastName: 'P',
      emailVerified: true,
    });
    expect(await h.viewerOf(result.accessToken)).toEqual({
      kind: 'customer',
      customerId: id,
    });

    // State and code are single use.
    expect(
      dataOf(await h.gql(CALLBACK, { p: 'local', code, state })).oidcCallback.userErrors.map(
        (e: any) => e.code,
      ),
    ).toEqual(['INVALID_STATE']);

    // The second time, the provider identity itself finds the customer.
    const again = await authorize((await start()).authorizationUrl);
    const second = dataOf(await h.gql(CALLBACK, { p: 'local', ...again })).oidcCallback;
    expect(second.customer.id).toBe(id);

    const events = await h.identity.dataSource.query(
      `SELECT event, details FROM identity.audit_log WHERE subject_id = $1 ORDER BY id`,
      [id],
    );
    expect(events.map((e: any) => e.event)).toEqual(
      expect.arrayContaining(['oidc.linked', 'login.succeeded']),
    );
    expect(
      events.filter((e: any) => e.event === 'login.succeeded').map((e: any) => e.details.method),
    ).toEqual(['oidc:local', 'oidc:local']);
  });

  it('creates a verified customer on a first social sign-in, and refuses unverified provider emails', async () => {
    const { code, state } = await authorize((await start()).authorizationUrl, 'local-user-2');
    const created = dataOf(await h.gql(CALLBACK, { p: 'local', code, state })).oidcCallback;
    expect(created.userErrors).toEqual([]);
    expect(created.customer).toMatchObject({
      email: 'newbie@example.test',
      firstName: 'Nina',
      lastName: 'Newbie',
      emailVerified: true,
    });
    // A social-only account has no password to guess.
    const login = `mutation { login(email: "newbie@example.test", password: "any password at all") { userErrors { code } } }`;
    expect(dataOf(await h.gql(login)).login.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);

    const unverified = await authorize((await start()).authorizationUrl, 'local-user-3');
    expect(
      dataOf(await h.gql(CALLBACK, { p: 'local', ...unverified })).oidcCallback.userErrors.map(
        (e: any) => e.code,
      ),
    ).toEqual(['EMAIL_NOT_VERIFIED']);
  });

  it('refuses an unknown state, a wrong nonce and a wrong PKCE verifier', async () => {
    const first = await authorize((await start()).authorizationUrl);
    const codes = async (vars: Record<string, string>) =>
      dataOf(await h.gql(CALLBACK, { p: 'local', ...vars })).oidcCallback.userErrors.map(
        (e: any) => e.code,
      );
    expect(await codes({ code: first.code, state: 'forged-state' })).toEqual(['INVALID_STATE']);

    // The provider signs the nonce it was given; a different one stored here must fail.
    const { createHash } = await import('node:crypto');
    const hash = (s: string) => createHash('sha256').update(s).digest();
    await h.identity.dataSource.query(
      `UPDATE identity.oidc_request SET nonce = 'other' WHERE state_hash = $1`,
      [hash(first.state)],
    );
    expect(await codes(first)).toEqual(['INVALID_ID_TOKEN']);

    const second = await authorize((await start()).authorizationUrl);
    await h.identity.dataSource.query(
      `UPDATE identity.oidc_request SET code_verifier = $2 WHERE state_hash = $1`,
      [hash(second.state), 'x'.repeat(43)],
    );
    expect(await codes(second)).toEqual(['OIDC_EXCHANGE_FAILED']);
  });
});
