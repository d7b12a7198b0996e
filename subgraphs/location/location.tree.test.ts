import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { locationSubgraph, type LocationServices } from '.';
import { LocationInitial1764600000000 } from './migrations/0001-location-initial';
import { seededLocationId } from './service';

/** The location tree: seeded countries and regions, staff-managed cities and zones. */
let t: TestSubgraph<LocationServices>;
const manager = viewers.staff(['location:manage']);
const clerk = viewers.staff(['orders:manage'], 'clerk');

beforeAll(async () => {
  t = await startSubgraphForTest(locationSubgraph, { env: { AUTHORIZATION_MODE: undefined } });
});

afterAll(async () => {
  await t?.stop();
});

const NODE = `id kind code name countryCode parent { code } children { code name }`;
const CREATE = `mutation ($input: LocationCreateInput!) {
  locationCreate(input: $input) { location { id kind code name countryCode parent { code } } userErrors { field code } }
}`;
const UPDATE = `mutation ($id: ID!, $input: LocationUpdateInput!) {
  locationUpdate(id: $id, input: $input) { location { id name code } userErrors { field code } }
}`;
const DELETE = `mutation ($id: ID!) { locationDelete(id: $id) { deletedId userErrors { field code } } }`;
const california = seededLocationId('US-CA');

describe('the seeded tree', () => {
  it('holds every country at the top and its regions under it, with ids from their codes', async () => {
    const { locations } = await t.data(`{ locations { code kind } }`);
    expect(locations.length).toBeGreaterThanOrEqual(249);
    expect(locations).toContainEqual({ code: 'US', kind: 'COUNTRY' });
    const { location } = await t.data(`query ($id: ID!) { location(id: $id) { ${NODE} } }`, {
      id: california,
    });
    expect(location).toMatchObject({
      id: california,
      kind: 'REGION',
      code: 'US-CA',
      name: 'California',
      countryCode: 'US',
      parent: { code: 'US' },
      children: [],
    });
    const under = await t.data(`query ($id: ID!) { locations(parentId: $id) { code } }`, {
      id: seededLocationId('FR-ARA'),
    });
    expect(under.locations).toContainEqual({ code: 'FR-69' });
  });

  it('seeds idempotently: running the seed again changes nothing', async () => {
    const [before] = await t.sql(`SELECT count(*)::int AS n, max(updated_at) AS at FROM location`);
    const runner = t.subgraph.dataSource.createQueryRunner();
    try {
      await new LocationInitial1764600000000().up({
        query: async (sql: string, params?: unknown[]) =>
          /^\s*(CREATE|ALTER)/.test(sql) ? [] : runner.query(sql, params),
      } as never);
    } finally {
      await runner.release();
    }
    const [after] = await t.sql(`SELECT count(*)::int AS n, max(updated_at) AS at FROM location`);
    expect(after).toEqual(before);
  });
});

describe('staff-managed cities and zones', () => {
  it('lets location:manage add, rename and remove a city under a region, announced in the outbox', async () => {
    const created = (
      await t.data(
        CREATE,
        { input: { parentId: california, kind: 'CITY', name: 'San Francisco', code: 'sfo' } },
        { viewer: manager },
      )
    ).locationCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.location).toMatchObject({
      kind: 'CITY',
      code: 'SFO',
      name: 'San Francisco',
      countryCode: 'US',
      parent: { code: 'US-CA' },
    });
    const id = created.location.id;
    const zone = (
      await t.data(
        CREATE,
        { input: { parentId: id, kind: 'ZONE', name: 'Mission District' } },
        { viewer: manager },
      )
    ).locationCreate;
    expect(zone.location.parent).toEqual({ code: 'SFO' });

    const taken = await t.data(
      CREATE,
      { input: { parentId: california, kind: 'CITY', name: 'Other', code: 'SFO' } },
      { viewer: manager },
    );
    expect(taken.locationCreate.userErrors).toEqual([
      { field: ['input', 'code'], code: 'CODE_TAKEN' },
    ]);

    const renamed = await t.data(
      UPDATE,
      { id, input: { name: 'San Francisco City' } },
      { viewer: manager },
    );
    expect(renamed.locationUpdate.location).toMatchObject({
      name: 'San Francisco City',
      code: 'SFO',
    });

    const busy = await t.data(DELETE, { id }, { viewer: manager });
    expect(busy.locationDelete.userErrors).toEqual([{ field: ['id'], code: 'HAS_CHILDREN' }]);
    expect(
      (await t.data(DELETE, { id: zone.location.id }, { viewer: manager })).locationDelete
        .deletedId,
    ).toBe(zone.location.id);
    expect((await t.data(DELETE, { id }, { viewer: manager })).locationDelete.deletedId).toBe(id);

    const events = await t.sql(
      `SELECT topic, payload->>'change' AS change FROM outbox WHERE topic = $1 ORDER BY id`,
      [`location.changed.${id}`],
    );
    expect(events.map((e) => e.change)).toEqual(['CREATED', 'UPDATED', 'DELETED']);
  });

  it('refuses bad input with codes and changes nothing', async () => {
    const cases: [object, string[], string][] = [
      [{ parentId: california, kind: 'REGION', name: 'Nope' }, ['input', 'kind'], 'INVALID_KIND'],
      [{ parentId: california, kind: 'CITY', name: '' }, ['input', 'name'], 'INVALID_TEXT'],
      [
        { parentId: california, kind: 'CITY', name: 'X', code: 'no spaces!' },
        ['input', 'code'],
        'INVALID_CODE',
      ],
      [
        { parentId: seededLocationId('ZZ-NOPE'), kind: 'CITY', name: 'X' },
        ['input', 'parentId'],
        'NOT_FOUND',
      ],
    ];
    for (const [input, field, code] of cases) {
      const { locationCreate } = await t.data(CREATE, { input }, { viewer: manager });
      expect(locationCreate).toEqual({ location: null, userErrors: [{ field, code }] });
    }
    const fixed = await t.data(
      UPDATE,
      { id: california, input: { name: 'Cali' } },
      { viewer: manager },
    );
    expect(fixed.locationUpdate.userErrors).toEqual([{ field: ['id'], code: 'LOCATION_FIXED' }]);
    const undeletable = await t.data(DELETE, { id: seededLocationId('US') }, { viewer: manager });
    expect(undeletable.locationDelete.userErrors).toEqual([
      { field: ['id'], code: 'LOCATION_FIXED' },
    ]);
    const [{ n }] = (await t.sql(`SELECT count(*)::int AS n FROM location WHERE NOT seeded`)) as [
      { n: number },
    ];
    expect(n).toBe(0);
  });

  it.each([
    ['anonymous', viewers.anonymous, 'UNAUTHENTICATED'],
    ['a customer', viewers.customer('c-1'), 'FORBIDDEN'],
    ['staff without location:manage', clerk, 'FORBIDDEN'],
  ])('refuses %s every tree mutation', async (_who, viewer, code) => {
    const attempts = [
      t.gql(CREATE, { input: { parentId: california, kind: 'CITY', name: 'Sneaky' } }, { viewer }),
      t.gql(UPDATE, { id: california, input: { name: 'Sneaky' } }, { viewer }),
      t.gql(DELETE, { id: california }, { viewer }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
    }
    const [{ n }] = (await t.sql(
      `SELECT count(*)::int AS n FROM location WHERE name = 'Sneaky'`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('resolves Country and Location references for fellow subgraphs', async () => {
    const { _entities } = await t.data(
      `query ($r: [_Any!]!) { _entities(representations: $r) {
        ... on Country { code name } ... on Location { id isoCode: code } } }`,
      {
        r: [
          { __typename: 'Country', code: 'DE' },
          { __typename: 'Location', id: california },
        ],
      },
      { viewer: viewers.service('shipping') },
    );
    expect(_entities).toEqual([
      { code: 'DE', name: 'Germany' },
      { id: california, isoCode: 'US-CA' },
    ]);
  });
});
