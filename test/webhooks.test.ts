import { AppCreateDocument, AppTokenDocument, AppsDocument } from '../sdk';
import { dataOf } from '../platform/testing/graphql-client';
import { bootstrapAdmin, callerOf, codeOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * Merchant apps through the router, with authorization enforced: staff with apps:manage
 * create an app holding a subset of their permissions, its API key buys an access token,
 * and that token acts with the app's permissions only.
 */
const ADMIN = { email: 'apps-root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let adminToken: string;
const as = (token: string | null) => callerOf(() => platform.router.url, token);

const APP_CREATE = AppCreateDocument;
const APP_TOKEN = AppTokenDocument;

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('webhooks', { authorization: 'enforced' });
  adminToken = await staffToken(as(null), ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

describe('merchant apps', () => {
  it('an app created by staff gets a token that acts with the app’s permissions only', async () => {
    const created = dataOf(
      await as(adminToken)(APP_CREATE, {
        input: { name: 'ERP sync', permissions: ['orders:manage'] },
      }),
    ).appCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.app).toMatchObject({ name: 'ERP sync', permissions: ['orders:manage'] });
    expect(created.apiKey.startsWith(created.app.keyPrefix)).toBe(true);

    const token = dataOf(await as(null)(APP_TOKEN, { apiKey: created.apiKey })).appToken;
    expect(token.userErrors).toEqual([]);
    expect(token.expiresIn).toBeGreaterThan(0);
    const app = as(token.accessToken);
    const orders = await app(`{ orders(first: 1) { totalCount } }`);
    expect(orders.errors).toBeUndefined();
    // apps:manage is the creator's, not the app's.
    expect(codeOf(await app(`{ apps { id } }`))).toBe('FORBIDDEN');
    // Nor does the app read the webhook ledger (staff's, apps:manage).
    expect(codeOf(await app(`{ webhookDeliveries { totalCount } }`))).toBe('FORBIDDEN');
    const listed = dataOf(await as(adminToken)(AppsDocument)).apps;
    expect(listed).toContainEqual(
      expect.objectContaining({ id: created.app.id, name: 'ERP sync' }),
    );
  });

  it('refuses a wrong API key with a userError, the same for any wrong key', async () => {
    const wrong = dataOf(await as(null)(APP_TOKEN, { apiKey: 'app_not-a-key' })).appToken;
    expect(wrong).toMatchObject({
      accessToken: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', field: ['apiKey'] }],
    });
  });

  it('an app cannot be given a permission its creator lacks', async () => {
    const role = dataOf(
      await as(adminToken)(
        `mutation { roleSetPermissions(role: "integrator", permissions: ["apps:manage", "catalog:write"]) { userErrors { code } } }`,
      ),
    ).roleSetPermissions;
    expect(role.userErrors).toEqual([]);
    const staff = dataOf(
      await as(adminToken)(
        `mutation ($input: StaffCreateInput!) { staffCreate(input: $input) { userErrors { code } } }`,
        {
          input: {
            email: 'integrator@shop.test',
            name: 'Integrator',
            password: 'integrator passphrase 1',
            roles: ['integrator'],
          },
        },
      ),
    ).staffCreate;
    expect(staff.userErrors).toEqual([]);
    const integrator = as(
      await staffToken(as(null), 'integrator@shop.test', 'integrator passphrase 1'),
    );
    const refused = dataOf(
      await integrator(APP_CREATE, {
        input: { name: 'Greedy', permissions: ['catalog:write', 'orders:manage'] },
      }),
    ).appCreate;
    expect(refused).toMatchObject({
      app: null,
      apiKey: null,
      userErrors: [{ code: 'PERMISSION_NOT_HELD', field: ['input', 'permissions'] }],
    });
    const allowed = dataOf(
      await integrator(APP_CREATE, {
        input: { name: 'Catalog feed', permissions: ['catalog:write'] },
      }),
    ).appCreate;
    expect(allowed.userErrors).toEqual([]);
    // Without apps:manage nobody creates apps.
    expect(codeOf(await as(null)(APP_CREATE, { input: { name: 'Anon', permissions: [] } }))).toBe(
      'UNAUTHENTICATED',
    );
  });
});
