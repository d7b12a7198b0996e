import { dataOf } from '../platform/testing/graphql-client';
import { eventually } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';

/** Bulk product import from CSV through the router: per-row errors, the rest imported, reruns idempotent. */
let platform: TestPlatform;

const IMPORT = `mutation ($csv: String!) { productImport(csv: $csv) {
  rows imported productsCreated productsUpdated variantsCreated variantsUpdated
  errors { row column code } userErrors { field code } } }`;
const importCsv = async (csv: string) =>
  dataOf(await platform.query(IMPORT, { csv })).productImport;

const HEADER =
  'sku,product_slug,product_name,variant_title,description,brand,options,weight_grams,attr:material';
const MATERIALS = ['wool', 'linen', 'cotton'];

/** 100 data rows: 50 products of two sizes each, two of the rows bad. */
function catalogCsv(): { csv: string; bad: { row: number; column: string; code: string }[] } {
  const lines = [HEADER];
  for (let p = 0; p < 50; p += 1) {
    for (const size of ['M', 'L']) {
      const weight = p === 7 && size === 'L' ? 'heavy' : String(200 + p);
      const material = p === 31 && size === 'M' ? 'plastic' : MATERIALS[p % 3];
      // Quotes, a comma and a line break inside a cell: CSV as spreadsheets write it.
      const description = p === 3 ? '"Soft, warm\nand light"' : `Imported ${p}`;
      lines.push(
        `IMP-${p}-${size},imported-${p},Imported Garment ${p},${size},${description},fjell,Size=${size},${weight},${material}`,
      );
    }
  }
  const csv = lines.join('\n');
  const lineOf = (sku: string) => csv.slice(0, csv.indexOf(`\n${sku},`) + 1).split('\n').length;
  return {
    csv,
    bad: [
      { row: lineOf('IMP-7-L'), column: 'weight_grams', code: 'WEIGHT_INVALID' },
      { row: lineOf('IMP-31-M'), column: 'attr:material', code: 'ATTRIBUTE_VALUE_INVALID' },
    ],
  };
}

beforeAll(async () => {
  platform = await startTestPlatform('catalog_import');
  const setup = dataOf(
    await platform.query(`mutation {
      b: brandCreate(input: { name: "Fjell" }) { userErrors { code } }
      a: attributeDefinitionCreate(input: { code: "material", name: "Material", type: ENUM,
           choices: ["wool", "linen", "cotton"], facetable: true }) { userErrors { code } } }`),
  );
  expect([setup.b.userErrors, setup.a.userErrors]).toEqual([[], []]);
});

afterAll(async () => {
  await platform?.stop();
});

describe('productImport (CSV)', () => {
  it('reports exactly the 2 bad rows of 100 and imports the other 98', async () => {
    const { csv, bad } = catalogCsv();
    // Line numbers count the header and the line breaks inside product 3's descriptions.
    expect(bad.map((b) => b.row)).toEqual([19, 66]);
    const report = await importCsv(csv);
    expect(report).toEqual({
      rows: 100,
      imported: 98,
      productsCreated: 50,
      productsUpdated: 0,
      variantsCreated: 98,
      variantsUpdated: 0,
      errors: bad,
      userErrors: [],
    });
    const page = dataOf(
      await platform.query(
        `{ product(slug: "imported-3") { name description brand { name } variants { sku options { name value } weightGrams } } }`,
      ),
    ).product;
    expect(page).toEqual({
      name: 'Imported Garment 3',
      description: 'Soft, warm\nand light',
      brand: { name: 'Fjell' },
      variants: [
        { sku: 'IMP-3-M', options: [{ name: 'Size', value: 'M' }], weightGrams: 203 },
        { sku: 'IMP-3-L', options: [{ name: 'Size', value: 'L' }], weightGrams: 203 },
      ],
    });
    const refused = dataOf(await platform.query(`{ variant(sku: "IMP-7-L") { id } }`));
    expect(refused.variant).toBeNull();
    // Every imported product is announced: search finds them with their attribute facet.
    const search = await eventually(
      () =>
        platform
          .query(
            `{ search(query: "imported garment", facets: ["attr:material"], first: 1) {
            totalCount facets { values { value count } } } }`,
          )
          .then(dataOf),
      (data) => data.search.totalCount === 50,
    );
    expect(search.search.facets[0].values).toEqual(
      expect.arrayContaining([{ value: 'wool', count: 17 }]),
    );
  });

  it('changes nothing more when the same file is imported again (keyed by SKU)', async () => {
    const { csv, bad } = catalogCsv();
    const again = await importCsv(csv);
    expect(again).toMatchObject({
      imported: 98,
      productsCreated: 0,
      variantsCreated: 0,
      variantsUpdated: 98,
      errors: bad,
    });
    const listed = dataOf(
      await platform.query(`{ products(first: 100, search: "imported") { totalCount } }`),
    );
    expect(listed.products.totalCount).toBe(50);
    // The fixed rows go in on a third run; the rest stays as it was.
    const fixed = csv.replace(',heavy,', ',250,').replace(',plastic', ',wool');
    const third = await importCsv(fixed);
    expect([third.errors, third.variantsCreated, third.productsCreated]).toEqual([[], 2, 0]);
  });

  it('refuses a file it cannot read as a whole, and imports none of it', async () => {
    const unknown = await importCsv(`sku,product_slug,colour\nIMP-X,imported-x,red`);
    expect(unknown.userErrors).toEqual([{ field: ['csv'], code: 'IMPORT_COLUMN_INVALID' }]);
    const noSku = await importCsv(`product_slug,product_name\nimported-y,Y`);
    expect(noSku.userErrors).toEqual([{ field: ['csv'], code: 'IMPORT_INVALID' }]);
    const broken = await importCsv(`sku,product_slug\n"IMP-Z,imported-z`);
    expect(broken.userErrors).toEqual([{ field: ['csv'], code: 'IMPORT_INVALID' }]);
    expect([unknown.imported, noSku.imported, broken.imported]).toEqual([0, 0, 0]);
  });

  it('needs a name for a new product and refuses a SKU of another product', async () => {
    const report = await importCsv(
      [
        'sku,product_slug,product_name',
        'IMP-NEW-1,imported-new,',
        'IMP-0-M,imported-1,',
        'bad sku,imported-1,',
      ].join('\n'),
    );
    expect(report.errors).toEqual([
      { row: 2, column: 'product_name', code: 'REQUIRED' },
      { row: 3, column: 'sku', code: 'SKU_TAKEN' },
      { row: 4, column: 'sku', code: 'INVALID_SKU' },
    ]);
    expect(report.imported).toBe(0);
  });
});
