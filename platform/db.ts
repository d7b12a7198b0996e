import 'reflect-metadata';
import { DataSource, type Logger, type MixedList, type EntitySchema } from 'typeorm';
import { createLogger } from './logging';
import { loadConfig, setting } from './config';

const log = createLogger('db');

/**
 * Counts every SQL statement a DataSource sends. Tests use it to prove that resolvers
 * are N+1-free; it costs one increment per statement.
 */
export class StatementCounter implements Logger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    if (process.env.LOG_SQL_ERRORS) log.error('sql error', { error, query });
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (process.env.LOG_MIGRATIONS) log.info('migration', { message });
  }
  log(): void {}
}

export interface DatabaseOptions {
  url: string;
  /** The PostgreSQL schema this subgraph owns; nobody else reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

export function createDataSource(options: DatabaseOptions): {
  dataSource: DataSource;
  statements: StatementCounter;
} {
  const statements = new StatementCounter();
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: true,
    logger: statements,
    extra: {
      max:
        options.poolSize ??
        loadConfig({ DB_POOL_SIZE: setting.int(10, { min: 1, max: 1000 }) }).DB_POOL_SIZE,
      application_name: `commerce-${options.schema}`,
    },
  });
  return { dataSource, statements };
}

/**
 * The first migration of a subgraph must create its schema, and TypeORM looks for its
 * migrations table inside that schema before running any migration, so it exists first.
 */
/**
 * Applies the schema's pending migrations under a PostgreSQL advisory lock, so that replicas
 * starting together run them once: the first holds the lock and migrates, the others wait
 * on it and then find nothing left to do.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length)
      log.info('migrations applied', { schema, migrations: applied.map((m) => m.name) });
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`])
      .catch(() => {});
    await lock.release();
  }
}

/**
 * PostgreSQL's unique_violation, optionally on one constraint: a unique index is the only
 * race-free uniqueness check, so services insert and translate this into a userError.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } } | null)
    ?.driverError;
  return driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}
