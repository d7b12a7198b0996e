import { callerOf, customerToken as customerTokenOf, registerVerified } from './support/accounts';
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
  pricing:
    'mutation { priceListCreate(input: { code: "STAFF-ONLY", currency: "EUR", taxInclusive: true }) { userErrors { code } } }',
  promotions:
    'mutation { promotionDeactivate(id: "00000000-0000-0000-0000-000000000000") { userErrors { code } } }',
  payments:
    'mutation { paymentVoid(id: "00000000-0000-0000-0000-000000000000") { userErrors { code } } }',
  location:
    'mutation { locationDelete(id: "00000000-0000-0000-0000-000000000000") { userErrors { code } } }',
  fulfillment:
    'mutation { pickListCreate(input: { warehouseId: "00000000-0000-0000-0000-000000000000" }) { userErrors { code } } }',
  shipping:
    'mutation { shipmentReturnLabelCreate(shipmentId: "00000000-0000-0000-0000-000000000000", idempotencyKey: "k") { userErrors { code } } }',
  search: 'mutation { searchReindex { __typename } }',
};

const as = (token: string | null) => callerOf(() => platform.router.url, token);

beforeAll(async () => {
  platform = await startTestPlatform('edge_authorization', {
    authorization: 'enforced',
    background: true, // delivers the verification email
  });
  const email = 'rule@example.com';
  const password = 'a long enough passphrase';
  await registerVerified(as(null), email, password, { firstName: 'Rule', lastName: 'Tester' });
  customerToken = await customerTokenOf(as(null), email, password);
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
