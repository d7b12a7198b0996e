import { devMailbox } from '../subgraphs/identity/domain/mailer';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * One refusal rule for staff operations, whichever subgraph owns them and whether the SDL
 * (`@requiresPermission`) or the resolver (`requirePermission`) says it: no viewer is
 * UNAUTHENTICATED, a signed-in viewer without the permission is FORBIDDEN.
 */
let platform: TestPlatform;
let customerToken: string;

const STAFF_MUTATIONS = {
  catalog: 'mutation { brandCreate(input: { name: "Acme" }) { userErrors { code } } }',
  inventory:
    'mutation { warehouseCreate(input: { code: "W-1", name: "Depot", countryCode: "DE" }) { userErrors { code } } }',
  orders:
    'mutation { orderCapture(id: "00000000-0000-0000-0000-000000000000") { userErrors { code } } }',
};

const as =
  (token: string | null) =>
  (query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(
      platform.router.url,
      query,
      variables,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );

beforeAll(async () => {
  platform = await startTestPlatform('edge_authorization', {
    authorization: 'enforced',
    background: true, // delivers the verification email
  });
  const email = 'rule@example.com';
  const password = 'a long enough passphrase';
  const before = devMailbox.messagesTo(email).length;
  dataOf(
    await as(null)(
      'mutation ($input: RegisterInput!) { register(input: $input) { userErrors { code } } }',
      { input: { email, password, firstName: 'Rule', lastName: 'Tester' } },
    ),
  );
  const message = await devMailbox.nextMessageTo(email, 10_000, before);
  const token = decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(message.text)![1]!);
  dataOf(
    await as(null)('mutation ($t: String!) { verifyEmail(token: $t) { customer { id } } }', {
      t: token,
    }),
  );
  const login = dataOf(
    await as(null)(
      'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken userErrors { code } } }',
      { e: email, p: password },
    ),
  ).login;
  expect(login.userErrors).toEqual([]);
  customerToken = login.accessToken;
});

afterAll(async () => {
  await platform?.stop();
});

const codesOf = (answer: { errors?: { extensions?: Record<string, any> }[] }) =>
  (answer.errors ?? []).map((e) => e.extensions?.code);

it.each(Object.entries(STAFF_MUTATIONS))(
  '%s: anonymous is UNAUTHENTICATED, a customer is FORBIDDEN',
  async (_subgraph, mutation) => {
    expect(codesOf(await as(null)(mutation))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await as(customerToken)(mutation))).toEqual(['FORBIDDEN']);
  },
);
