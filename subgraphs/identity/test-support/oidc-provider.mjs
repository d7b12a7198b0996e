// A real OpenID Connect provider (panva/oidc-provider) for identity's social login test.
// oidc-provider is ESM-only, so the test spawns this script as a child process:
//
//   OIDC_TEST_CONFIG='{"clientId":"shop","clientSecret":"…","redirectUri":"http://…/callback",
//                      "users":[{"sub":"u1","email":"ann@example.test","email_verified":true,…}]}'
//   node subgraphs/identity/test-support/oidc-provider.mjs
//
// It listens on a free port of 127.0.0.1, prints one JSON line {"issuer": "..."} when
// ready, and stops on SIGTERM. Interactions are a development shortcut: whoever opens the
// authorization URL is signed in as a configured test user (the one whose sub is the
// `login_hint` parameter, else the first) and consents at once, so a test can follow the
// redirects with fetch and collect the authorization code.
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Provider } from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');
const users = config.users ?? [
  { sub: 'test-user', email: 'test-user@example.test', email_verified: true },
];

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'test-signing-key',
  use: 'sig',
  alg: 'RS256',
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.clientId ?? 'shop',
      client_secret: config.clientSecret ?? 'shop-secret',
      redirect_uris: [config.redirectUri ?? 'http://127.0.0.1:9/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // Put the scope's claims into the ID token (as Google does), not only into userinfo.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => {
    const user = users.find((u) => u.sub === sub);
    return user ? { accountId: sub, claims: async () => ({ ...user, sub }) } : undefined;
  },
});

const callback = provider.callback();

async function autoInteraction(req, res) {
  const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  if (prompt.name === 'login') {
    const user = users.find((u) => u.sub === params.login_hint) ?? users[0];
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope)
    grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: true },
  );
}

server.on('request', (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    autoInteraction(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error?.message ?? error));
    });
    return;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
