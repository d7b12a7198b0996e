import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { searchSubgraph, type SearchServices } from '.';

/** Who may do what in search, decided here (the router only forwards the signed viewer). */
let t: TestSubgraph<SearchServices>;
const REINDEX = `mutation { searchReindex { documents userErrors { code } } }`;

beforeAll(async () => {
  t = await startSubgraphForTest(searchSubgraph, { env: { AUTHORIZATION_MODE: undefined } });
});

afterAll(async () => {
  await t?.stop();
});

describe('search access', () => {
  it('lets anyone search and suggest', async () => {
    const data = await t.data(
      `{ search(query: "wool") { totalCount } searchSuggest(prefix: "wo") { text } }`,
    );
    expect(data).toEqual({ search: { totalCount: 0 }, searchSuggest: [] });
  });

  it('reindexes for staff with catalog:write only', async () => {
    const codeOf = async (as: Parameters<typeof t.gql>[2]) =>
      (await t.gql(REINDEX, {}, as)).errors?.[0]?.extensions?.code;
    expect(await codeOf({ viewer: viewers.anonymous })).toBe('UNAUTHENTICATED');
    expect(await codeOf({ viewer: viewers.customer('c-1') })).toBe('FORBIDDEN');
    expect(await codeOf({ viewer: viewers.staff(['orders:manage']) })).toBe('FORBIDDEN');
    const done = await t.data(REINDEX, {}, { viewer: viewers.staff(['catalog:write']) });
    expect(done.searchReindex).toEqual({ documents: 0, userErrors: [] });
  });

  it('answers a second reindex while one runs with REINDEX_RUNNING, and both leave one index', async () => {
    const staff = { viewer: viewers.staff(['catalog:write']) };
    const [a, b] = await Promise.all([t.data(REINDEX, {}, staff), t.data(REINDEX, {}, staff)]);
    const codes = [a, b].flatMap((r) =>
      r.searchReindex.userErrors.map((e: { code: string }) => e.code),
    );
    expect(codes.every((code) => code === 'REINDEX_RUNNING')).toBe(true);
    const tables = await t.sql(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'search' AND table_name LIKE 'document%'`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(['document']);
  });
});
