import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Viewer } from '../../../platform/identity';
import type { RunningSubgraph } from '../../../platform/server';
import type { TestDatabase } from '../../../platform/testing/database';
import { dataOf, type GraphQLResponse } from '../../../platform/testing/graphql-client';
import { startFakeSubgraph, type FakeSubgraph } from '../../../platform/testing/fake-subgraph';
import { startSubgraphForTest, viewers } from '../../../platform/testing/harness';
import { createTokenVerifier, type TokenVerifier } from '../../../platform/auth/verify-token';
import { identitySubgraph } from '..';
import { devMailbox } from '../domain/mailer';
import type { IdentityServices } from '../service';

export interface IdentityHarness {
  identity: RunningSubgraph<IdentityServices>;
  services: IdentityServices;
  db: TestDatabase;
  jwksUrl: string;
  verifier: TokenVerifier;
  /** Posts to identity as the router would, signing `viewer` (anonymous by default) and the client IP. */
  // Tests read responses loosely, as test/support does.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: As,
  ): Promise<GraphQLResponse<T>>;
  /** Plain SQL on identity's database. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sql<Row = any>(text: string, params?: unknown[]): Promise<Row[]>;
  /** The viewer the router would sign for this access token. */
  viewerOf(accessToken: string): Promise<Viewer>;
  /** The stand-in for location (the real rules are location's tests' and test/'s); `down` fails it like an outage. */
  location: FakeSubgraph & { down: boolean };
  stop(): Promise<void>;
}

/** The countries the stand-in for location knows; any other is COUNTRY_UNKNOWN, as location says. */
const KNOWN_COUNTRIES = new Set(['DE', 'FR', 'GB', 'NL', 'US']);

/** Answers addressValidate the way location does for a known country: the address back, normalised. */
async function startFakeLocation(): Promise<FakeSubgraph & { down: boolean }> {
  const state = { down: false };
  const fake = await startFakeSubgraph(({ variables }) => {
    if (state.down) return { status: 503 };
    const input = variables.input as Record<string, string | null>;
    const country = (input.country ?? '').trim().toUpperCase();
    if (!KNOWN_COUNTRIES.has(country)) {
      const error = {
        field: ['input', 'country'],
        message: 'Not a known country',
        code: 'COUNTRY_UNKNOWN',
      };
      return { data: { addressValidate: { address: null, userErrors: [error] } } };
    }
    const address = { ...input, country, postalCode: input.postalCode?.toUpperCase() ?? null };
    return { data: { addressValidate: { address, userErrors: [] } } };
  });
  return Object.defineProperty(fake, 'down', {
    get: () => state.down,
    set: (value: boolean) => {
      state.down = value;
    },
  }) as FakeSubgraph & { down: boolean };
}

export interface As {
  viewer?: Viewer;
  ip?: string;
}

export const BOOTSTRAP_ADMIN = {
  email: 'root@shop.test',
  password: 'correct horse battery staple',
};

/**
 * Identity on the platform harness (a database of its own), with its JWKS served on a
 * port of its own and a verifier for the tokens it signs.
 */
export async function startIdentity(
  name: string,
  env: Record<string, string | undefined> = {},
): Promise<IdentityHarness> {
  const location = await startFakeLocation();
  const t = await startSubgraphForTest(identitySubgraph, {
    database: name,
    subgraphUrls: { location: location.url },
    env: {
      AUTHORIZATION_MODE: undefined,
      BOOTSTRAP_ADMIN_EMAIL: BOOTSTRAP_ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_ADMIN.password,
      IDENTITY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ...env,
    },
  });
  const services = t.services;
  await services.ready;
  const app = express();
  app.use(identitySubgraph.routes(services));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const verifier = createTokenVerifier({
    jwksUrl,
    issuer: services.keys.settings.issuer,
    audience: services.keys.settings.audience,
  });
  return {
    identity: t.subgraph,
    services,
    db: t.db,
    jwksUrl,
    verifier,
    gql: (query, variables = {}, as = {}) => {
      const viewer = as.viewer ?? viewers.anonymous;
      const signed = as.ip ? ({ ...viewer, clientIp: as.ip } as unknown as Viewer) : viewer;
      return t.gql(query, variables, { viewer: signed });
    },
    sql: (text, params = []) => t.subgraph.dataSource.query(text, params),
    viewerOf: (accessToken) => verifier.verify(`Bearer ${accessToken}`),
    location,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await t.stop();
      await location.stop();
    },
  };
}

export const AUTH_FIELDS =
  'mfaRequired accessToken refreshToken expiresIn tokenType userErrors { field message code }';

export const LOGIN = `mutation ($email: String!, $password: String!, $mfaCode: String) {
  login(email: $email, password: $password, mfaCode: $mfaCode) { ${AUTH_FIELDS} customer { id email } }
}`;

export const STAFF_LOGIN = `mutation ($email: String!, $password: String!, $mfaCode: String) {
  staffLogin(email: $email, password: $password, mfaCode: $mfaCode) { ${AUTH_FIELDS} staffUser { id email permissions } }
}`;

export const REFRESH = `mutation ($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) { accessToken refreshToken expiresIn tokenType userErrors { field message code } }
}`;

/** The token in the last link mailed to `email` (verification or reset). */
export async function mailedToken(email: string, already: number): Promise<string> {
  const message = await devMailbox.nextMessageTo(email, 10_000, already);
  const match = /token=([A-Za-z0-9_%-]+)/.exec(message.text);
  if (!match) throw new Error(`no token in ${message.text}`);
  return decodeURIComponent(match[1]!);
}

/** Registers and verifies a customer through the API, as a shopper would. */
export async function verifiedCustomer(
  h: IdentityHarness,
  email: string,
  password = 'a long enough passphrase',
): Promise<{ id: string; email: string; password: string }> {
  const before = devMailbox.messagesTo(email).length;
  const registered = dataOf(
    await h.gql(
      `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { code message } } }`,
      { input: { email, password, firstName: 'Ada', lastName: 'Lovelace' } },
    ),
  ).register;
  // Registration never names the account (it answers the same for a taken address).
  expect(registered.customer).toBeNull();
  expect(registered.userErrors).toEqual([]);
  const token = await mailedToken(email, before);
  const verified = dataOf(
    await h.gql(
      `mutation ($token: String!) { verifyEmail(token: $token) { customer { id emailVerified } userErrors { code } } }`,
      { token },
    ),
  ).verifyEmail;
  expect(verified).toEqual({
    customer: { id: expect.any(String), emailVerified: true },
    userErrors: [],
  });
  return { id: verified.customer.id, email, password };
}

export async function login(
  h: IdentityHarness,
  email: string,
  password: string,
  as: As = {},
  mfaCode?: string,
) {
  return dataOf(await h.gql(LOGIN, { email, password, mfaCode }, as)).login;
}

export async function staffLogin(h: IdentityHarness, email: string, password: string, as: As = {}) {
  return dataOf(await h.gql(STAFF_LOGIN, { email, password }, as)).staffLogin;
}

/** A different documentation-range address per call, so that tests do not share IP counters. */
let nextIp = 1;
export function freshIp(): string {
  nextIp += 1;
  return `10.77.${Math.floor(nextIp / 250)}.${(nextIp % 250) + 1}`;
}

export const codes = (payload: { userErrors: { code: string }[] }) =>
  payload.userErrors.map((e) => e.code);

/** A viewer signed in as the bootstrap super_admin. */
export async function adminViewer(h: IdentityHarness): Promise<Viewer> {
  const admin = await staffLogin(h, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password, {
    ip: freshIp(),
  });
  expect(admin.userErrors).toEqual([]);
  return h.viewerOf(admin.accessToken);
}

export async function auditEvents(
  h: IdentityHarness,
  filter: string,
  params: unknown[] = [],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ event: string; ip: string | null; details: any }[]> {
  return h.sql(
    `SELECT event, ip, details FROM identity.audit_log WHERE ${filter} ORDER BY id`,
    params,
  );
}
