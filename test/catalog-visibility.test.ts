import { dataOf, fieldAnswer } from '../platform/testing/graphql-client';
import { createCommerceClient, ProductByIdDocument, SearchDocument } from '../sdk';
import {
  bootstrapAdmin,
  callerOf,
  customerToken,
  registerVerified,
  staffToken as staffTokenOf,
} from './support/accounts';
import { eventually } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, CHECKOUT } from './support/shop';

/**
 * A catalog a merchant dresses, through the router with tokens deciding: typed attributes
 * (facets in search), media per product and variant, and visibility rules (a minimum age
 * checked against the age catalog verified, countries denied) that hide products from
 * the wrong customer in lists, pages and search and refuse them in their cart.
 */
const ADMIN = { email: 'dresser@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
const as = (token: string | null) => callerOf(() => platform.router.url, token);
let staff: ReturnType<typeof as>;
let adult: ReturnType<typeof as>;
let minor: ReturnType<typeof as>;
let adultToken: string;
let wine: { id: string; variants: { id: string; sku: string }[] };
let knife: { id: string; variants: { id: string; sku: string }[] };
let draftId: string;

async function product(input: Record<string, unknown>, prices: Record<string, number>) {
  const data = dataOf(
    await staff(
      `mutation ($input: ProductCreateInput!) { productCreate(input: $input) {
         product { id variants { id sku } } userErrors { field code } } }`,
      { input },
    ),
  ).productCreate;
  expect(data.userErrors).toEqual([]);
  for (const [currency, amount] of Object.entries(prices)) {
    const variant = data.product.variants[0];
    const set = dataOf(
      await staff(
        `mutation ($input: PriceSetInput!) { priceSet(input: $input) { userErrors { code } } }`,
        { input: { variantId: variant.id, sku: variant.sku, currency, amount } },
      ),
    );
    expect(set.priceSet.userErrors).toEqual([]);
  }
  return data.product;
}

async function shopper(email: string, birthDate: string) {
  const password = 'a long enough passphrase';
  await registerVerified(as(null), email, password);
  const token = await customerToken(as(null), email, password);
  const caller = as(token);
  const verified = dataOf(
    await caller(
      `mutation ($t: String!) { customerAgeVerify(token: $t) { adult userErrors { code } } }`,
      { t: `age_sandbox_${birthDate}` },
    ),
  ).customerAgeVerify;
  expect(verified.userErrors).toEqual([]);
  return { caller, token, adult: verified.adult as boolean };
}

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('catalog_visibility', {
    authorization: 'enforced',
    background: true, // delivers the verification emails
  });
  staff = as(await staffTokenOf(as(null), ADMIN.email, ADMIN.password));
  const defined = dataOf(
    await staff(
      `mutation {
        m: attributeDefinitionCreate(input: { code: "grape", name: "Grape", type: MULTI_ENUM,
             choices: ["riesling", "pinot"], facetable: true }) { userErrors { code } }
        a: attributeDefinitionCreate(input: { code: "abv", name: "Alcohol", type: NUMBER,
             unit: "%", filterable: true }) { userErrors { code } } }`,
    ),
  );
  expect([defined.m.userErrors, defined.a.userErrors]).toEqual([[], []]);
  wine = await product(
    {
      name: 'Riesling Spätlese',
      minimumAge: 18,
      variants: [{ sku: 'VIS-WINE', title: '0.75 l' }],
    },
    { EUR: 1490 },
  );
  knife = await product(
    {
      name: 'Riesling Harvest Knife',
      deniedCountries: ['de'],
      variants: [{ sku: 'VIS-KNIFE', title: 'One' }],
    },
    { EUR: 2500, GBP: 2200 },
  );
  draftId = dataOf(
    await staff(`mutation { productCreate(input: { name: "Unreleased Riesling", status: DRAFT }) {
      product { id } } }`),
  ).productCreate.product.id;
  const adultShopper = await shopper('adult@example.com', '1990-05-01');
  const minorShopper = await shopper(
    'minor@example.com',
    `${new Date().getUTCFullYear() - 16}-01-01`,
  );
  expect([adultShopper.adult, minorShopper.adult]).toEqual([true, false]);
  adult = adultShopper.caller;
  adultToken = adultShopper.token;
  minor = minorShopper.caller;
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

const SEARCH = `query ($q: String!, $country: String, $facets: [String!], $filters: SearchFilters) {
  search(query: $q, country: $country, facets: $facets, filters: $filters) {
    totalCount edges { node { product { id } } } facets { name values { value count } } } }`;
const found = async (caller: ReturnType<typeof as>, variables: Record<string, unknown>) =>
  dataOf(await caller(SEARCH, variables)).search.edges.map(
    (e: { node: { product: { id: string } } }) => e.node.product.id,
  );

describe('attributes and media', () => {
  it('sets typed attribute values, refuses a wrong type, and searches them as facets', async () => {
    const wrong = dataOf(
      await staff(
        `mutation ($p: ID!) { productAttributesSet(productId: $p, values: [
           { code: "abv", values: ["strong"] }, { code: "grape", values: ["riesling"] }]) {
           userErrors { field code } } }`,
        { p: wine.id },
      ),
    ).productAttributesSet;
    expect(wrong.userErrors).toEqual([
      { field: ['values', '0', 'values'], code: 'ATTRIBUTE_VALUE_INVALID' },
    ]);
    const set = dataOf(
      await staff(
        `mutation ($p: ID!, $v: ID!) {
           a: productAttributesSet(productId: $p, values: [{ code: "abv", values: ["8.50"] }]) { userErrors { code } }
           b: productAttributesSet(productId: $p, variantId: $v, values: [{ code: "grape", values: ["riesling", "pinot"] }]) { userErrors { code } } }`,
        { p: wine.id, v: wine.variants[0]!.id },
      ),
    );
    expect([set.a.userErrors, set.b.userErrors]).toEqual([[], []]);
    const result = await eventually(
      () => adult(SEARCH, { q: 'riesling', facets: ['attr:grape'] }).then(dataOf),
      (data) => data.search.facets[0].values.length === 2,
    );
    expect(result.search.facets[0]).toEqual({
      name: 'attr:grape',
      values: [
        { value: 'pinot', count: 1 },
        { value: 'riesling', count: 1 },
      ],
    });
    expect(
      await found(adult, {
        q: 'riesling',
        filters: { attributes: [{ code: 'abv', values: ['8.5'] }] },
      }),
    ).toEqual([wine.id]);
  });

  it('orders media per product and variant, and refuses a file that is not an image', async () => {
    const add = (input: Record<string, unknown>) =>
      staff(
        `mutation ($p: ID!, $input: ProductMediaInput!) { productMediaAdd(productId: $p, input: $input) {
           media { id position } userErrors { field code } } }`,
        { p: wine.id, input },
      ).then((r) => dataOf(r).productMediaAdd);
    expect((await add({ url: 'https://cdn.example/wine.pdf', alt: 'Label' })).userErrors).toEqual([
      { field: ['url'], code: 'MEDIA_TYPE_INVALID' },
    ]);
    expect((await add({ url: 'ftp://cdn.example/wine.jpg' })).userErrors[0].code).toBe(
      'MEDIA_URL_INVALID',
    );
    await add({ url: 'https://cdn.example/bottle.webp', alt: 'The bottle' });
    await add({ url: 'https://cdn.example/front.jpg', alt: 'Front label', position: 0 });
    await add({
      url: 'https://cdn.example/magnum.png',
      alt: 'Magnum',
      variantId: wine.variants[0]!.id,
    });
    const page = dataOf(
      await adult(
        `query ($id: ID!) { product(id: $id) { minimumAge
           attributes { attribute { code type unit } values }
           media { url alt position variantId }
           variants { attributes { attribute { code } values } media { url } } } }`,
        { id: wine.id },
      ),
    ).product;
    expect(page.minimumAge).toBe(18);
    expect(page.attributes).toEqual([
      { attribute: { code: 'abv', type: 'NUMBER', unit: '%' }, values: ['8.5'] },
    ]);
    expect(page.media.map((m: { url: string; position: number }) => [m.position, m.url])).toEqual([
      [0, 'https://cdn.example/front.jpg'],
      [1, 'https://cdn.example/bottle.webp'],
      [2, 'https://cdn.example/magnum.png'],
    ]);
    expect(page.variants[0].attributes).toEqual([
      { attribute: { code: 'grape' }, values: ['riesling', 'pinot'] },
    ]);
    expect(page.variants[0].media).toEqual([{ url: 'https://cdn.example/magnum.png' }]);
  });
});

describe('translations', () => {
  it('names a product in the locale asked, falling back to its language and then to the original', async () => {
    const set = (locale: string, name: string) =>
      staff(
        `mutation ($p: ID!, $l: String!, $n: String!) { productTranslationSet(productId: $p, locale: $l,
           input: { name: $n, description: "Ein Wein." }) { translation { locale } userErrors { field code } } }`,
        { p: knife.id, l: locale, n: name },
      ).then((r) => dataOf(r).productTranslationSet);
    expect((await set('de', 'Erntemesser')).translation).toEqual({ locale: 'de' });
    expect((await set('de-ch', 'Ernte-Sackmesser')).translation).toEqual({ locale: 'de-CH' });
    expect((await set('german', 'X')).userErrors).toEqual([
      { field: ['locale'], code: 'INVALID_LOCALE' },
    ]);
    const named = async (locale: string | null) =>
      dataOf(
        await as(null)(`query ($id: ID!, $l: String) { product(id: $id) { name(locale: $l) } }`, {
          id: knife.id,
          l: locale,
        }),
      ).product.name;
    expect(await named('de-CH')).toBe('Ernte-Sackmesser');
    expect(await named('de-AT')).toBe('Erntemesser');
    expect(await named('fr')).toBe('Riesling Harvest Knife');
    expect(await named(null)).toBe('Riesling Harvest Knife');
    const bad = await as(null)(`query ($id: ID!) { product(id: $id) { name(locale: "x_1") } }`, {
      id: knife.id,
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('storefront SDK', () => {
  it('has the product page with media and attributes, and search with attribute facets', async () => {
    const shop = createCommerceClient({ url: platform.router.url, getToken: () => adultToken });
    const { product } = await shop.request(ProductByIdDocument, { id: wine.id, locale: 'de' });
    expect(product?.minimumAge).toBe(18);
    expect(product?.localizedName).toBe('Riesling Spätlese');
    expect(product?.media.map((m) => [m.position, m.alt])).toEqual([
      [0, 'Front label'],
      [1, 'The bottle'],
      [2, 'Magnum'],
    ]);
    expect(product?.attributes).toEqual([
      { attribute: { code: 'abv', name: 'Alcohol', type: 'NUMBER', unit: '%' }, values: ['8.5'] },
    ]);
    expect(product?.variants[0]?.media.map((m) => m.url)).toEqual([
      'https://cdn.example/magnum.png',
    ]);
    const { search } = await shop.request(SearchDocument, {
      query: 'riesling',
      country: 'DE',
      facets: ['attr:grape'],
      filters: { attributes: [{ code: 'grape', values: ['pinot'] }] },
    });
    expect(search.edges.map((e) => e.node.product.id)).toEqual([wine.id]);
    expect(search.facets[0]?.values.map((v) => [v.value, v.count])).toEqual([
      ['pinot', 1],
      ['riesling', 1],
    ]);
  });
});

describe('visibility rules', () => {
  it('hides an age-restricted product from anonymous and under-age customers, in search, lists and pages', async () => {
    await eventually(
      () => found(adult, { q: 'riesling' }),
      (ids) => ids.includes(wine.id),
    );
    expect(await found(as(null), { q: 'riesling' })).not.toContain(wine.id);
    expect(await found(minor, { q: 'riesling' })).not.toContain(wine.id);
    const page = `query ($id: ID!) { product(id: $id) { id } }`;
    expect(fieldAnswer(await minor(page, { id: wine.id }), 'product')).toEqual({
      value: null,
      codes: ['NOT_FOUND'],
    });
    expect(dataOf(await adult(page, { id: wine.id })).product).toEqual({ id: wine.id });
    const list = `{ products(first: 50) { edges { node { id } } } }`;
    const listed = async (caller: ReturnType<typeof as>) =>
      dataOf(await caller(list)).products.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await listed(as(null))).not.toContain(wine.id);
    expect(await listed(adult)).toContain(wine.id);
  });

  it('hides a country-denied product from shoppers of that country only', async () => {
    expect(await found(adult, { q: 'harvest knife', country: 'DE' })).toEqual([]);
    expect(await found(adult, { q: 'harvest knife', country: 'FR' })).toEqual([knife.id]);
    const page = `query ($id: ID!, $c: String) { product(id: $id, country: $c) { id } }`;
    expect(fieldAnswer(await as(null)(page, { id: knife.id, c: 'DE' }), 'product')).toEqual({
      value: null,
      codes: ['NOT_FOUND'],
    });
    expect(dataOf(await as(null)(page, { id: knife.id, c: 'GB' })).product).toEqual({
      id: knife.id,
    });
  });

  it('refuses them in the wrong customer’s cart with a clear code', async () => {
    const cart = (caller: ReturnType<typeof as>, currency: string, variantId: string) =>
      caller(
        `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { field code } } }`,
        { input: { currency, lines: [{ variantId, quantity: 1 }] } },
      ).then((r) => dataOf(r).cartCreate);
    const field = ['lines', '0', 'variantId'];
    const refusals = [
      await cart(as(null), 'EUR', wine.variants[0]!.id),
      await cart(minor, 'EUR', wine.variants[0]!.id),
      await cart(adult, 'EUR', knife.variants[0]!.id),
    ].map((r) =>
      r.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.slice(-3)]),
    );
    expect(refusals).toEqual([
      [['AGE_RESTRICTED', field]],
      [['AGE_RESTRICTED', field]],
      [['COUNTRY_DENIED', field]],
    ]);
    expect((await cart(adult, 'EUR', wine.variants[0]!.id)).userErrors).toEqual([]);
    // A GBP cart ships to GB, where the knife is sold.
    expect((await cart(adult, 'GBP', knife.variants[0]!.id)).userErrors).toEqual([]);
  });

  it('refuses at checkout what may not be shipped to the address’s country', async () => {
    const created = dataOf(
      await adult(
        `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }`,
        { input: { currency: 'GBP', lines: [{ variantId: knife.variants[0]!.id, quantity: 1 }] } },
      ),
    ).cartCreate;
    expect(created.userErrors).toEqual([]);
    const checkout = dataOf(
      await adult(CHECKOUT, {
        input: {
          cartId: created.cart.id,
          idempotencyKey: 'a4d1c1f0-6c1e-4c55-9d3a-0f6e2b7e9a11',
          email: 'adult@example.com',
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      }),
    ).checkout;
    expect(checkout.order).toBeNull();
    expect(checkout.userErrors.map((e: { code: string }) => e.code)).toEqual(['COUNTRY_DENIED']);
  });

  it('answers a DRAFT product by id for a customer as it answers an unknown id: NOT_FOUND', async () => {
    const page = `query ($id: ID!) { product(id: $id) { id status } }`;
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(fieldAnswer(await adult(page, { id: draftId }), 'product')).toEqual({
      value: null,
      codes: ['NOT_FOUND'],
    });
    expect(fieldAnswer(await adult(page, { id: unknown }), 'product')).toEqual({
      value: null,
      codes: ['NOT_FOUND'],
    });
    expect(dataOf(await staff(page, { id: draftId })).product.status).toBe('DRAFT');
  });

  it('verifies an age only through the provider and only for a customer', async () => {
    const bad = dataOf(
      await adult(
        `mutation { customerAgeVerify(token: "i-am-old-enough") { adult userErrors { field code } } }`,
      ),
    ).customerAgeVerify;
    expect(bad.userErrors).toEqual([{ field: ['token'], code: 'AGE_VERIFICATION_FAILED' }]);
    const anonymous = await as(null)(
      `mutation { customerAgeVerify(token: "age_sandbox_1990-01-01") { adult } }`,
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
