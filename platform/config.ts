import { z } from 'zod';

/**
 * Typed configuration from the environment, validated once at start. Each process declares
 * the variables it reads with `setting.*` and calls `loadConfig`; a bad value stops the
 * process with a message naming the variable and what it expected, never a silent `NaN`.
 *
 *   const config = loadConfig({ PORT: setting.port(4001), LOG_LEVEL: setting.oneOf(['info', 'warn'], 'info') });
 */

type Setting<T> = z.ZodType<T, string | undefined>;

const unsetWhenEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

function withDefault<T>(parse: z.ZodType<T, string>, fallback: T): Setting<T> {
  return z
    .preprocess(unsetWhenEmpty, parse.optional())
    .transform((value) => (value === undefined ? fallback : value)) as unknown as Setting<T>;
}

function integer(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: 'expected an integer' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    );
}

function decimal(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, { message: 'expected a number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    );
}

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  '1': true,
  on: true,
  yes: true,
  false: false,
  '0': false,
  off: false,
  no: false,
};

export const setting = {
  int: (fallback: number, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) =>
    withDefault(integer(min, max), fallback),
  number: (fallback: number, { min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = {}) =>
    withDefault(decimal(min, max), fallback),
  port: (fallback: number) => withDefault(integer(0, 65535), fallback),
  bool: (fallback: boolean) =>
    withDefault(
      z
        .string()
        .trim()
        .toLowerCase()
        .refine((v) => v in BOOLEAN_WORDS, { message: 'expected true/false (or on/off, 1/0)' })
        .transform((v) => BOOLEAN_WORDS[v]!),
      fallback,
    ),
  string: (fallback: string) => withDefault(z.string(), fallback),
  optionalString: () =>
    z.preprocess(unsetWhenEmpty, z.string().optional()) as unknown as Setting<string | undefined>,
  url: (fallback: string) => withDefault(z.string().url({ message: 'expected a URL' }), fallback),
  optionalUrl: () =>
    z.preprocess(
      unsetWhenEmpty,
      z.string().url({ message: 'expected a URL' }).optional(),
    ) as unknown as Setting<string | undefined>,
  oneOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    withDefault(
      z.enum(values, { message: `expected one of ${values.join(', ')}` }) as unknown as z.ZodType<
        T[number],
        string
      >,
      fallback,
    ),
  list: (fallback: string[]) =>
    withDefault(
      z.string().transform((v) =>
        v
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
      fallback,
    ),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Shape = Record<string, Setting<unknown>>;
export type Config<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/** Reads and checks every variable of `shape` from `source`; throws one ConfigError listing all that are wrong. */
export function loadConfig<S extends Shape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): Config<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const raw = source[name];
    const parsed = schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else
      problems.push(
        `${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
  }
  if (problems.length) throw new ConfigError(problems);
  return values as Config<S>;
}

/**
 * The process's entry point: runs `main`, and on a ConfigError prints what is wrong and
 * exits 2 before anything listens or connects.
 */
export function runMain(
  main: () => Promise<unknown>,
  log: (message: string, error?: unknown) => void,
): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    log('process failed to start', error);
    process.exit(1);
  });
}

/**
 * The variable that says where a subgraph listens: `SUBGRAPH_<NAME>_URL`. A prefix of its
 * own, so that settings such as REDIS_URL, NATS_URL or SMTP_URL are never taken for a
 * subgraph of that name.
 */
export function subgraphUrlVariable(subgraph: string): string {
  return `SUBGRAPH_${subgraph.toUpperCase()}_URL`;
}

const SUBGRAPH_URL_VARIABLE = /^SUBGRAPH_([A-Z][A-Z0-9_]*)_URL$/;

/** The `SUBGRAPH_<NAME>_URL` overrides of where subgraphs listen (`SUBGRAPH_CATALOG_URL`, …). */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(key);
    if (match && value) urls[match[1]!.toLowerCase()] = value;
  }
  return urls;
}
