import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');

/**
 * A database with every subgraph's migrations applied, for test platforms to be copied
 * from (`CREATE DATABASE … TEMPLATE`) instead of migrating eleven schemas each: about
 * 3 s of every platform start. Named after a digest of the migrations, so an edited or
 * added migration makes a new one; built once per PostgreSQL, by whichever test file
 * asks first (an advisory lock makes the others wait), by starting the platform once in
 * a child process with none of the test file's settings (no bootstrap admin in it).
 * Tests of migrations themselves (replicas, start-up) use empty databases.
 */
export async function platformTemplate(adminUrl: string): Promise<string> {
  const name = `tpl_platform_${migrationsDigest()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', ['test-platform-template']);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${building}`;
      await migrateInChild(url.toString());
      // Renamed only once complete: a crash half-way leaves no template that looks ready.
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    }
    return name;
  } finally {
    await admin
      .query('SELECT pg_advisory_unlock(hashtext($1))', ['test-platform-template'])
      .catch(() => {});
    await admin.end();
  }
}

function migrationsDigest(): string {
  const hash = createHash('sha256');
  const files: string[] = [join(ROOT, 'platform', 'outbox.ts')];
  files.push(join(ROOT, 'platform', 'events', 'consume.ts'));
  const subgraphs = join(ROOT, 'subgraphs');
  for (const entry of readdirSync(subgraphs, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(subgraphs, entry.name, 'migrations');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of names.filter((n) => n.endsWith('.ts')).sort()) files.push(join(dir, file));
  }
  for (const file of files.sort()) hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

function migrateInChild(databaseUrl: string): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '2',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'migrate-platform.ts'), databaseUrl],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`migrating the template failed (exit ${code}): ${stderr}`)),
    );
  });
}
