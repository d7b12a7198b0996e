import { dataOf, fieldAnswer } from '../platform/testing/graphql-client';
import { bootstrapAdmin, callerOf, codeOf, staffToken as staffTokenOf } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * Catalog, inventory and pricing through the router with authorization enforced: what a
 * shopper may read, what only staff may, and bad input that reaches the client with its code.
 */
const ADMIN = { email: 'stock-admin@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let staffToken: string;
const as = (token: string | null) => callerOf(() => platform.router.url, token);
let variants: { id: string; sku: string }[];
let draftId: string;

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('catalog_access', { authorization: 'enforced' });
  staffToken = await staffTokenOf(as(null), ADMIN.email, ADMIN.password);
  const staff = as(staffToken);
  const created = dataOf(
    await staff(
      `mutation { a: productCreate(input: { name: "Open Mug", variants: [{ sku: "MUG-1", title: "Mug" }, { sku: "MUG-2", title: "Big mug" }] }) { product { variants { id sku } } }
                  d: productCreate(input: { name: "Secret Launch", status: DRAFT }) { product { id } } }`,
    ),
  );
  variants = created.a.product.variants;
  draftId = created.d.product.id;
  const warehouse = dataOf(
    await staff(
      `mutation { warehouseCreate(input: { code: "ACC-1", name: "Access", countryCode: "DE" }) { warehouse { id } } }`,
    ),
  ).warehouseCreate.warehouse.id;
  const received = dataOf(
    await staff(
      `mutation ($w: ID!) { stockReceive(input: { sku: "MUG-1", warehouseId: $w, quantity: 5, reference: "PO-SECRET" }) { userErrors { code } } }`,
      { w: warehouse },
    ),
  );
  expect(received.stockReceive.userErrors).toEqual([]);
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

describe('catalog, inventory and pricing through the router, authorization enforced', () => {
  it('keeps the ledger, stock per warehouse, low stock, price history and price lists from anonymous callers', async () => {
    for (const query of [
      `{ stockMovements(sku: "MUG-1") { edges { node { reference } } } }`,
      `{ inventoryItems(sku: "MUG-1") { onHand } }`,
      `{ lowStockItems { totalCount } }`,
      `{ warehouses { code } }`,
      `{ priceLists { code } }`,
      `{ variant(sku: "MUG-1") { priceHistory(currency: "EUR") { amount { amount } } } }`,
      `{ variant(sku: "MUG-1") { inventoryItems { onHand } } }`,
    ]) {
      const response = await as(null)(query);
      expect([query, codeOf(response)]).toEqual([query, 'UNAUTHENTICATED']);
      expect(JSON.stringify(response)).not.toMatch(/PO-SECRET|ACC-1|"onHand":\d/);
    }
    const shopper = dataOf(
      await as(null)(
        `{ variant(sku: "MUG-1") { sku availableQuantity product { availability { inStock } } } }`,
      ),
    );
    expect(shopper.variant).toEqual({
      sku: 'MUG-1',
      availableQuantity: 5,
      product: { availability: { inStock: true } },
    });
    const staff = dataOf(
      await as(staffToken)(`{ stockMovements(sku: "MUG-1") { edges { node { reference } } } }`),
    );
    expect(staff.stockMovements.edges[0].node.reference).toBe('PO-SECRET');
  });

  it('prices shoppers from public lists only and hides a VIP-only promotion', async () => {
    const staff = as(staffToken);
    const [mug] = variants;
    const setUp = dataOf(
      await staff(
        `mutation ($v: ID!) {
          list: priceListCreate(input: { code: "WHOLESALE", currency: "EUR", taxInclusive: true, priority: 100, public: false }) { userErrors { code } }
          retail: priceSet(input: { variantId: $v, sku: "MUG-1", currency: "EUR", amount: 1200 }) { userErrors { code } } }`,
        { v: mug!.id },
      ),
    );
    expect([setUp.list.userErrors, setUp.retail.userErrors]).toEqual([[], []]);
    const wholesale = dataOf(
      await staff(
        `mutation ($v: ID!) { priceSet(input: { variantId: $v, sku: "MUG-1", currency: "EUR", amount: 700, priceList: "WHOLESALE" }) { userErrors { code } } }`,
        { v: mug!.id },
      ),
    );
    expect(wholesale.priceSet.userErrors).toEqual([]);
    const shopper = dataOf(
      await as(null)(
        `{ variant(sku: "MUG-1") { price(currency: "EUR") { amount } priceTiers(currency: "EUR") { price { amount } } } }`,
      ),
    ).variant;
    expect(shopper.price.amount).toBe(1200);
    expect(JSON.stringify(shopper)).not.toContain('700');
    expect(codeOf(await as(null)(`{ priceLists { code } }`))).toBe('UNAUTHENTICATED');
    expect(dataOf(await staff(`{ priceLists { code } }`)).priceLists).toEqual(
      expect.arrayContaining([{ code: 'WHOLESALE' }]),
    );

    const campaign = dataOf(
      await staff(
        `mutation ($at: String!) { campaignCreate(input: { name: "Members", startsAt: $at }) { campaign { id } } }`,
        { at: new Date(Date.now() - 3_600_000).toISOString() },
      ),
    ).campaignCreate.campaign.id;
    const created = dataOf(
      await staff(
        `mutation ($c: ID!) {
          vip: promotionCreate(input: { campaignId: $c, name: "VIP 15 %", kind: PERCENTAGE_ORDER, value: 1500, conditions: { customerSegments: ["vip"] } }) { promotion { id } userErrors { code } }
          all: promotionCreate(input: { campaignId: $c, name: "Everyone 5 %", kind: PERCENTAGE_ORDER, value: 500 }) { promotion { id } userErrors { code } } }`,
        { c: campaign },
      ),
    );
    expect([created.vip.userErrors, created.all.userErrors]).toEqual([[], []]);
    const ACTIVE = `{ activePromotions(first: 100) { id name } }`;
    const seenByShopper = dataOf(await as(null)(ACTIVE)).activePromotions.map((p: any) => p.id);
    expect(seenByShopper).toContain(created.all.promotion.id);
    expect(seenByShopper).not.toContain(created.vip.promotion.id);
    const seenByStaff = dataOf(await staff(ACTIVE)).activePromotions.map((p: any) => p.id);
    expect(seenByStaff).toEqual(
      expect.arrayContaining([created.all.promotion.id, created.vip.promotion.id]),
    );
  });

  it('finds a DRAFT product for staff only', async () => {
    const query = `query ($id: ID!) { product(id: $id) { id status } }`;
    expect(fieldAnswer(await as(null)(query, { id: draftId }), 'product')).toEqual({
      value: null,
      codes: ['NOT_FOUND'],
    });
    expect(dataOf(await as(staffToken)(query, { id: draftId })).product.status).toBe('DRAFT');
  });

  it('answers anonymous staff mutations UNAUTHENTICATED', async () => {
    for (const mutation of [
      `mutation { productCreate(input: { name: "X" }) { userErrors { code } } }`,
      `mutation { warehouseCreate(input: { code: "X", name: "X", countryCode: "DE" }) { userErrors { code } } }`,
      `mutation { taxRuleSet(input: { country: "DE", rateBasisPoints: 0, name: "x" }) { userErrors { code } } }`,
    ]) {
      expect([mutation, codeOf(await as(null)(mutation))]).toEqual([mutation, 'UNAUTHENTICATED']);
    }
  });

  it('refuses a priceSet whose sku is another variant’s and a stockReceive of a SKU catalog does not know', async () => {
    const [mug, big] = variants;
    const priced = dataOf(
      await as(staffToken)(
        `mutation ($v: ID!, $s: String!) { priceSet(input: { variantId: $v, sku: $s, currency: "EUR", amount: 100 }) { price { id } userErrors { field code } } }`,
        { v: mug!.id, s: big!.sku },
      ),
    );
    expect(priced.priceSet).toEqual({
      price: null,
      userErrors: [{ field: ['sku'], code: 'SKU_MISMATCH' }],
    });
    const warehouse = dataOf(await as(staffToken)(`{ warehouses { id } }`)).warehouses[0].id;
    const received = dataOf(
      await as(staffToken)(
        `mutation ($w: ID!) { stockReceive(input: { sku: "NO-SUCH-SKU", warehouseId: $w, quantity: 1 }) { userErrors { field code } } }`,
        { w: warehouse },
      ),
    );
    expect(received.stockReceive.userErrors).toEqual([{ field: ['sku'], code: 'UNKNOWN_SKU' }]);
  });

  it('answers a too-long search with SEARCH_TOO_LONG and a NUL byte with BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', async () => {
    const long = await as(null)(`query ($s: String) { products(search: $s) { totalCount } }`, {
      s: 'x'.repeat(201),
    });
    expect(long.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'SEARCH_TOO_LONG',
    });
    for (const [query, variables] of [
      [`query ($s: String) { products(search: $s) { totalCount } }`, { s: 'a\u0000b' }],
      [`query ($s: String!) { variant(sku: $s) { sku } }`, { s: 'MUG\u00001' }],
    ] as const) {
      expect(codeOf(await as(null)(query, variables))).toBe('BAD_USER_INPUT');
    }
  });
});
