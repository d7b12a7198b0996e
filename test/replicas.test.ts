import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { createTestDatabase, type TestDatabase } from '../platform/testing/database';
import { Client } from 'pg';
import { catalogSubgraph } from '../subgraphs/catalog';
import { inventorySubgraph } from '../subgraphs/inventory';

let db: TestDatabase;
const running: RunningSubgraph[] = [];

beforeAll(async () => {
  db = await createTestDatabase('replicas');
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await db?.drop();
});

async function migrationsIn(schema: string): Promise<string[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT name FROM "${schema}".migrations ORDER BY id`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('replicas starting together on an empty database', () => {
  it('all come up and each migration ran once', async () => {
    const start = (module: typeof catalogSubgraph | typeof inventorySubgraph) =>
      startSubgraph(module as typeof catalogSubgraph, {
        databaseUrl: db.url,
        port: 0,
        host: '127.0.0.1',
        background: false,
      });
    const started = await Promise.all([
      start(catalogSubgraph),
      start(catalogSubgraph),
      start(catalogSubgraph),
      start(inventorySubgraph),
      start(inventorySubgraph),
    ]);
    running.push(...started);
    for (const replica of started) {
      const health = await fetch(replica.url.replace(/\/graphql$/, '/health'));
      expect(health.status).toBe(200);
    }
    for (const schema of [catalogSubgraph.dbSchema, inventorySubgraph.dbSchema]) {
      const names = await migrationsIn(schema);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
