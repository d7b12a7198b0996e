import {
  AppCreateDocument,
  AppKeyRotateDocument,
  AppRevokeDocument,
  AppTokenDocument,
  AppsDocument,
} from '../sdk';
import { dataOf } from '../platform/testing/graphql-client';
import { bootstrapAdmin, callerOf, codeOf, staffToken } from './support/accounts';
import { eventually } from './support/fulfillment';
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

describe('app keys', () => {
  async function newApp(name: string) {
    const created = dataOf(
      await as(adminToken)(APP_CREATE, { input: { name, permissions: ['orders:manage'] } }),
    ).appCreate;
    expect(created.userErrors).toEqual([]);
    return { id: created.app!.id as string, apiKey: created.apiKey as string };
  }
  const tokenOf = async (apiKey: string) => dataOf(await as(null)(APP_TOKEN, { apiKey })).appToken;
  const ordersAs = (token: string) => as(token)(`{ orders(first: 1) { totalCount } }`);

  it('a rotated key and every token it bought stop at once; the new key works', async () => {
    const app = await newApp('Rotating ERP');
    const oldToken = (await tokenOf(app.apiKey)).accessToken as string;
    expect((await ordersAs(oldToken)).errors).toBeUndefined();

    const rotated = dataOf(await as(adminToken)(AppKeyRotateDocument, { id: app.id })).appKeyRotate;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.apiKey).not.toBe(app.apiKey);
    expect(rotated.apiKey!.startsWith(rotated.app!.keyPrefix)).toBe(true);

    expect((await tokenOf(app.apiKey)).userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_CREDENTIALS' }),
    ]);
    // The token is unexpired; the router refuses it from the revocation list.
    const refused = await eventually(
      () => ordersAs(oldToken),
      (answer) => answer.status === 401,
    );
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    const newToken = (await tokenOf(rotated.apiKey!)).accessToken as string;
    expect((await ordersAs(newToken)).errors).toBeUndefined();
  });

  it('a revoked app loses its key and tokens, leaves the list, and cannot be revoked twice', async () => {
    const app = await newApp('Leaving ERP');
    const token = (await tokenOf(app.apiKey)).accessToken as string;
    const revoked = dataOf(await as(adminToken)(AppRevokeDocument, { id: app.id })).appRevoke;
    expect(revoked).toMatchObject({ app: { id: app.id }, userErrors: [] });
    const refused = await eventually(
      () => ordersAs(token),
      (answer) => answer.status === 401,
    );
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect((await tokenOf(app.apiKey)).accessToken).toBeNull();
    const listed = dataOf(await as(adminToken)(AppsDocument)).apps;
    expect(listed.map((a: { id: string }) => a.id)).not.toContain(app.id);
    expect(dataOf(await as(adminToken)(AppRevokeDocument, { id: app.id })).appRevoke).toEqual({
      app: null,
      userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })],
    });
    expect(
      dataOf(await as(adminToken)(AppKeyRotateDocument, { id: app.id })).appKeyRotate.userErrors,
    ).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
  });

  it('only apps:manage rotates or revokes, and a bad id is a userError', async () => {
    const app = await newApp('Guarded ERP');
    const appToken = (await tokenOf(app.apiKey)).accessToken as string;
    expect(codeOf(await as(null)(AppRevokeDocument, { id: app.id }))).toBe('UNAUTHENTICATED');
    // The app itself holds orders:manage only.
    expect(codeOf(await as(appToken)(AppKeyRotateDocument, { id: app.id }))).toBe('FORBIDDEN');
    const bad = await as(adminToken)(AppRevokeDocument, { id: 'not-an-id' });
    expect(JSON.stringify(bad)).not.toContain('INTERNAL_SERVER_ERROR');
    expect((await ordersAs(appToken)).errors).toBeUndefined();
  });
});
