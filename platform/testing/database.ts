import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (test/global-setup.mjs sets it)');
  return url;
}

/**
 * A fresh database for one test file, so that files run in parallel without sharing rows:
 * empty, or a copy of `options.template` (a database nobody is connected to).
 */
export async function createTestDatabase(
  prefix = 'test',
  options: { template?: string } = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(
    options.template
      ? `CREATE DATABASE "${name}" TEMPLATE "${options.template}"`
      : `CREATE DATABASE "${name}"`,
  );
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
