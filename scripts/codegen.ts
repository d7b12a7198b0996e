/**
 * `npm run codegen`: everything generated from the schemas and the SDK operations.
 *
 * 1. schema/api.graphql: the public API schema, from the committed supergraph (no join,
 *    link or @inaccessible elements). Composition is not run: `npm run compose` does that.
 * 2. graphql-codegen with codegen.yml: typed resolvers per subgraph, the client SDK.
 * 3. sdk/generated/operation-manifest.json: operation name → sha256 → document.
 *
 * Everything is produced in memory first and formatted with the repository's prettier
 * config (so `npm run format` never changes a generated file); `generateAll()` returns it
 * and `npm run codegen:check` compares it with the files on disk.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { type DocumentNode, Kind } from 'graphql';
import * as prettier from 'prettier';
import { buildManifest } from '../sdk/documents';
import { clientGenerates } from './codegen-clients';
import {
  API_HEADER,
  API_SCHEMA_PATH,
  apiSchemaSdl,
  MANIFEST_PATH,
  ROOT,
  SDK_GENERATED_DIR,
  SUPERGRAPH_PATH,
} from './api-schema';

export { ROOT } from './api-schema';

/** Folders that hold nothing but generated files: a file in them that codegen did not write is drift. */
export const GENERATED_DIRS = [
  SDK_GENERATED_DIR,
  ...readdirSync(join(ROOT, 'subgraphs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `subgraphs/${entry.name}/generated`),
];

async function format(path: string, content: string): Promise<string> {
  const options = (await prettier.resolveConfig(join(ROOT, path))) ?? {};
  return prettier.format(content, { ...options, filepath: join(ROOT, path) });
}

/** Path (relative to the repository, forward slashes) → content of every generated file. */
export async function generateAll(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const api = API_HEADER + apiSchemaSdl(readFileSync(join(ROOT, SUPERGRAPH_PATH), 'utf8'));
  files.set(API_SCHEMA_PATH, await format(API_SCHEMA_PATH, api));

  const { config } = await loadCodegenConfig({ configFilePath: join(ROOT, 'codegen.yml') });
  // The SDK is generated from the API schema just built, not from the file on disk, so
  // that a check never reads what it is checking.
  const generates: Record<string, Types.ConfiguredOutput> = {};
  for (const [target, output] of Object.entries(config.generates)) {
    const configured = output as Types.ConfiguredOutput;
    generates[target] =
      configured.schema === API_SCHEMA_PATH ? { ...configured, schema: api } : configured;
  }
  Object.assign(generates, clientGenerates(ROOT));
  const outputs: Types.FileOutput[] = await generate(
    { ...config, generates, cwd: ROOT, silent: true },
    false,
  );
  for (const output of outputs) {
    const path = relative(ROOT, resolve(ROOT, output.filename)).split('\\').join('/');
    files.set(path, await format(path, withoutNeedlessLintDisable(path, output.content)));
  }

  const manifest = await buildManifest(
    await operationDocuments(files.get(`${SDK_GENERATED_DIR}/graphql.ts`)),
  );
  files.set(MANIFEST_PATH, await format(MANIFEST_PATH, JSON.stringify(manifest)));
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * client-preset puts `/* eslint-disable *\/` on top of every file; only gql.ts needs it (its
 * lookup table is typed `any`). Elsewhere eslint would report the directive as unused.
 */
function withoutNeedlessLintDisable(path: string, content: string): string {
  if (!path.startsWith(`${SDK_GENERATED_DIR}/`) || path.endsWith('/gql.ts')) return content;
  return content.replace(/^\/\* eslint-disable \*\/\n/gm, '');
}

/** The `…Document` exports of a generated sdk/generated/graphql.ts (loaded from a temp copy). */
async function operationDocuments(source: string | undefined): Promise<DocumentNode[]> {
  if (!source) throw new Error(`codegen did not produce ${SDK_GENERATED_DIR}/graphql.ts`);
  const dir = mkdtempSync(join(tmpdir(), 'commerce-codegen-'));
  try {
    const file = join(dir, 'graphql.ts');
    writeFileSync(file, source);
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    return Object.entries(module)
      .filter(([name]) => name.endsWith('Document'))
      .map(([, value]) => value as DocumentNode)
      .filter((document) => document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Files inside the generated folders, relative to the repository. */
export function existingGeneratedFiles(root = ROOT): string[] {
  const found: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const walk = (path: string) => {
      if (!existsSync(path)) return;
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const child = join(path, entry.name);
        if (entry.isDirectory()) walk(child);
        else found.push(relative(root, child).split('\\').join('/'));
      }
    };
    walk(join(root, dir));
  }
  return found.sort();
}

async function main(): Promise<void> {
  const files = await generateAll();
  for (const stale of existingGeneratedFiles()) {
    if (!files.has(stale)) {
      rmSync(join(ROOT, stale));
      console.log(`removed   ${stale}`);
    }
  }
  for (const [path, content] of files) {
    const target = join(ROOT, path);
    const before = existsSync(target) ? readFileSync(target, 'utf8') : null;
    if (before === content) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`${before === null ? 'created' : 'updated'}   ${path}`);
  }
  console.log(`codegen: ${files.size} files up to date`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
