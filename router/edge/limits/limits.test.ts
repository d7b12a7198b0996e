import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { checkOperation, checkSource, countTokens, documentShape } from './checks';
import { DEFAULT_OPERATION_LIMITS, operationLimitsFromEnv } from './config';
import { operationCost } from './cost';
import { declaredListSizes } from '../../supergraph';

const schema = buildSchema(
  readFileSync(join(__dirname, '..', '..', '..', 'schema', 'api.graphql'), 'utf8'),
);
const declared = declaredListSizes(
  readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8'),
);
const limits = { ...DEFAULT_OPERATION_LIMITS, declaredListSizes: declared };
const check = (query: string, variables: Record<string, unknown> = {}) =>
  checkOperation(parse(query), variables, null, schema, limits);

describe('operationCost', () => {
  it('counts a field as 1 and multiplies a connection by its first', () => {
    expect(operationCost(parse('{ product(id: "1") { id name } }'), {}, schema)).toBe(3);
    // products 1 + 10 × (edges 1 + node 1 + name 1 + variants (1 + 20 × sku 1))
    expect(
      operationCost(
        parse('{ products(first: 10) { edges { node { name variants { sku } } } } }'),
        {},
        schema,
      ),
    ).toBe(241);
  });

  it('reads first from variables, their defaults, the schema default, else assumes 20', () => {
    const query = 'query($n: Int) { products(first: $n) { edges { node { id } } } }';
    expect(operationCost(parse(query), { n: 5 }, schema)).toBe(1 + 5 * 3);
    expect(
      operationCost(
        parse('query($n: Int = 7) { products(first: $n) { edges { node { id } } } }'),
        {},
        schema,
      ),
    ).toBe(1 + 7 * 3);
    // products(first: Int = 20) on Category
    expect(
      operationCost(
        parse('{ category(id: "x") { products { edges { node { id } } } } }'),
        {},
        schema,
      ),
    ).toBe(1 + 1 + 20 * 3);
  });

  it('takes list sizes from the supergraph (@listSize), LIST_SIZES over them, else 20', () => {
    const query = parse('{ categories { id children { id } } }');
    // catalog declares @listSize(assumedSize: 10) on both lists.
    expect(operationCost(query, {}, schema, { declaredListSizes: declared })).toBe(
      1 + 10 * (1 + 1 + 10 * 1),
    );
    expect(
      operationCost(query, {}, schema, {
        declaredListSizes: declared,
        listSizes: { 'Category.children': 2 },
      }),
    ).toBe(1 + 10 * (1 + 1 + 2 * 1));
    expect(operationCost(query, {}, schema)).toBe(1 + 20 * (1 + 1 + 20 * 1));
  });

  it('sums fragments on the same type and takes the dearest of different ones; skipped fields are free', () => {
    const spread =
      'fragment F on Product { name slug } { product(id: "1") { id ...F ... on Product { description } } }';
    expect(operationCost(parse(spread), {}, schema)).toBe(1 + 4);
    expect(
      operationCost(
        parse('query($s: Boolean!) { product(id: "1") { id name @skip(if: $s) } }'),
        { s: true },
        schema,
      ),
    ).toBe(2);
  });

  it('leaves introspection out', () => {
    expect(operationCost(parse(getIntrospectionQuery()), {}, schema)).toBe(0);
  });
});

describe('checkOperation', () => {
  const nested = (depth: number) =>
    `{ categories ${'{ children '.repeat(depth - 2)}{ id }${' }'.repeat(depth - 2)} }`;

  it('lets every operation of the SDK and the introspection query through with the defaults', () => {
    const manifest = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', '..', 'sdk', 'generated', 'operation-manifest.json'),
        'utf8',
      ),
    ) as Record<string, { document: string }>;
    for (const [name, entry] of Object.entries(manifest)) {
      expect([name, checkSource(entry.document, limits) ?? check(entry.document)]).toEqual([
        name,
        null,
      ]);
    }
    expect(check(getIntrospectionQuery())).toBeNull();
  });

  it('refuses depth, aliases, root fields and directives over their limits', () => {
    expect(documentShape(parse(nested(15))).depth).toBe(15);
    expect(check(nested(15))?.extensions.code).not.toBe('MAX_DEPTH_EXCEEDED');
    expect(check(nested(16))?.extensions).toMatchObject({
      code: 'MAX_DEPTH_EXCEEDED',
      depth: 16,
      limit: 15,
    });
    const aliases = (n: number) =>
      `{ product(id: "1") { ${Array.from({ length: n }, (_, i) => `a${i}: name`).join(' ')} } }`;
    expect(check(aliases(30))).toBeNull();
    expect(check(aliases(31))?.extensions.code).toBe('MAX_ALIASES_EXCEEDED');
    const roots = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => (i ? `__typename` : 'warehouses { id }')).join(' ')} }`;
    expect(check(roots(20))).toBeNull();
    expect(check(roots(21))?.extensions.code).toBe('MAX_ROOT_FIELDS_EXCEEDED');
    const directives = (n: number) =>
      `{ product(id: "1") { ${Array.from({ length: n }, () => 'name @include(if: true)').join(' ')} } }`;
    expect(check(directives(50))).toBeNull();
    expect(check(directives(51))?.extensions.code).toBe('MAX_DIRECTIVES_EXCEEDED');
  });

  it('counts fragments where they are spread', () => {
    const fields = Array.from({ length: 10 }, (_, i) => `f${i}: name`).join(' ');
    const query = `fragment F on Product { ${fields} } { product(id: "1") { ...F } p2: product(id: "2") { ...F } p3: product(id: "3") { ...F } }`;
    expect(documentShape(parse(query)).aliases).toBe(32);
    expect(check(query)?.extensions.code).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('bounds first on connections, not on lists of scalars', () => {
    expect(check('{ products(first: 100) { edges { node { id } } } }')).toBeNull();
    expect(
      check('query($n: Int) { products(first: $n) { edges { node { id } } } }', { n: 500 })
        ?.extensions,
    ).toMatchObject({
      code: 'FIRST_TOO_LARGE',
      first: 500,
      field: 'products',
    });
  });

  it('refuses an operation over the cost budget and says what it cost', () => {
    const query =
      '{ products(first: 100) { edges { node { variants { inventoryItems { warehouse { code } } } } } } }';
    const error = check(query);
    expect(error?.extensions).toMatchObject({ code: 'COST_EXCEEDED', budget: 10_000 });
    expect(error?.extensions.cost).toBe(operationCost(parse(query), {}, schema));
    expect(error?.extensions.http).toEqual({ status: 400 });
  });
});

describe('checkSource', () => {
  it('refuses documents over the size and token limits', () => {
    expect(checkSource(`{ __typename }${' '.repeat(100_000)}`, limits)?.extensions.code).toBe(
      'DOCUMENT_TOO_LARGE',
    );
    expect(countTokens('{ a { b } }')).toBe(6);
    expect(checkSource(`{ ${'a '.repeat(5_000)}}`, limits)?.extensions.code).toBe(
      'MAX_TOKENS_EXCEEDED',
    );
    expect(checkSource(`{ ${'a '.repeat(4_998)}}`, limits)).toBeNull();
  });
});

describe('operationLimitsFromEnv', () => {
  it('reads the variables and refuses nonsense', () => {
    expect(operationLimitsFromEnv({})).toEqual(DEFAULT_OPERATION_LIMITS);
    expect(
      operationLimitsFromEnv({ MAX_DEPTH: '7', MAX_COST: '500', LIST_SIZES: 'Query.categories=3' }),
    ).toMatchObject({
      maxDepth: 7,
      maxCost: 500,
      listSizes: { 'Query.categories': 3 },
    });
    expect(() => operationLimitsFromEnv({ MAX_ALIASES: 'many' })).toThrow('MAX_ALIASES');
    expect(() => operationLimitsFromEnv({ LIST_SIZES: 'categories=3' })).toThrow('LIST_SIZES');
  });
});
