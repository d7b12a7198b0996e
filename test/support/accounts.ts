import { LoginDocument, RegisterDocument, VerifyEmailDocument } from '../../sdk';
import { devMailbox } from '../../subgraphs/identity/domain/mailer';
import {
  dataOf,
  postGraphQL,
  type GraphQLResponse,
  type Operation,
} from '../../platform/testing/graphql-client';

/**
 * Callers of a router as clients are: anonymous, a signed-in customer, a staff member.
 * Tests with authorization enforced build their viewers from these.
 */
export type Caller = (
  query: Operation<any, any>,
  variables?: Record<string, unknown>,
) => Promise<GraphQLResponse<Record<string, any>>>;

/** Operations sent to the router with `token` as the bearer (none for `null`). */
export function callerOf(routerUrl: () => string, token: string | null): Caller {
  return (query, variables = {}) =>
    postGraphQL(
      routerUrl(),
      query,
      variables,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
}

/** The first error's code, or undefined. */
export const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;

/** The token of the verification (or reset) link in the next mail to `email` after `already` mails. */
export async function mailedToken(email: string, already: number): Promise<string> {
  // Mail leaves through identity's outbox in the background: a loaded machine takes its time.
  const message = await devMailbox.nextMessageTo(email, 30_000, already);
  return decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(message.text)![1]!);
}

/**
 * Registers a customer and follows the mailed link, as a shopper would; returns the id
 * (register answers alike for new and taken emails, so the id comes with the
 * verification). The platform must deliver mail (`background: true`).
 */
export async function registerVerified(
  anonymous: Caller,
  email: string,
  password: string,
  name: { firstName: string; lastName: string } = { firstName: 'Test', lastName: 'Buyer' },
): Promise<string> {
  const before = devMailbox.messagesTo(email).length;
  const registered = dataOf(
    await anonymous(RegisterDocument, { input: { email, password, ...name } }),
  ).register;
  if (registered.userErrors.length) throw new Error(JSON.stringify(registered.userErrors));
  const verified = dataOf(
    await anonymous(VerifyEmailDocument, { token: await mailedToken(email, before) }),
  ).verifyEmail.customer;
  if (!verified.emailVerified) throw new Error(`${email} was not verified`);
  return verified.id;
}

/** A customer's access token from `login`. */
export async function customerToken(
  anonymous: Caller,
  email: string,
  password: string,
): Promise<string> {
  const login = dataOf(await anonymous(LoginDocument, { email, password })).login;
  if (login.userErrors.length) throw new Error(JSON.stringify(login.userErrors));
  return login.accessToken;
}

/** A staff access token from `staffLogin`. */
export async function staffToken(anonymous: Caller, email: string, password: string) {
  return dataOf(
    await anonymous(
      `mutation ($e: String!, $p: String!) { staffLogin(email: $e, password: $p) { accessToken } }`,
      { e: email, p: password },
    ),
  ).staffLogin.accessToken as string;
}

/**
 * The bootstrap admin the identity subgraph creates at start (BOOTSTRAP_ADMIN_*): set
 * before the platform starts, cleared by the returned function.
 */
export function bootstrapAdmin(admin: { email: string; password: string }): () => void {
  process.env.BOOTSTRAP_ADMIN_EMAIL = admin.email;
  process.env.BOOTSTRAP_ADMIN_PASSWORD = admin.password;
  return () => {
    delete process.env.BOOTSTRAP_ADMIN_EMAIL;
    delete process.env.BOOTSTRAP_ADMIN_PASSWORD;
  };
}
