/**
 * `npm run build`: the platform compiled ahead of time to `dist/`, so production starts
 * with `node` (no TypeScript compiler at boot). swc transpiles file by file with the
 * options in `.swcrc` (the tests compile with the same); types are checked separately by
 * `npm run typecheck`. What is not TypeScript (SDL, SQL, JSON, playground assets, the
 * supergraph) is copied beside the compiled files, where `__dirname` expects it.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { transformFileSync, type Options } from '@swc/core';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'dist');
/** What production runs: the subgraphs, the router, their shared platform, the SDK. */
const SOURCES = ['platform', 'subgraphs', 'router', 'scripts', 'sdk', 'schema'];
/** Test code stays out of the image. */
const TEST_ONLY = [/\.test\.ts$/, /(^|\/)test-kit\.ts$/, /(^|\/)test-support\//];
const ASSET = /\.(graphql|sql|json|css|js|html)$/;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Compiles into `out` (default dist/); it must sit inside the repository to find node_modules. */
export function build(out = OUT): { compiled: number; copied: number } {
  const options = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8')) as Options;
  rmSync(out, { recursive: true, force: true });
  let compiled = 0;
  let copied = 0;
  for (const source of SOURCES) {
    for (const file of files(join(ROOT, source))) {
      const path = relative(ROOT, file);
      if (TEST_ONLY.some((pattern) => pattern.test(path))) continue;
      const target = join(out, path);
      mkdirSync(dirname(target), { recursive: true });
      if (path.endsWith('.ts') && !path.endsWith('.d.ts')) {
        const js = target.replace(/\.ts$/, '.js');
        const output = transformFileSync(file, {
          ...options,
          swcrc: false,
          filename: file,
          sourceFileName: relative(dirname(js), file),
        });
        writeFileSync(
          js,
          output.map ? `${output.code}\n//# sourceMappingURL=${basename(js)}.map` : output.code,
        );
        if (output.map) writeFileSync(`${js}.map`, output.map);
        compiled += 1;
      } else if (ASSET.test(path)) {
        cpSync(file, target);
        copied += 1;
      }
    }
  }
  return { compiled, copied };
}

if (require.main === module) {
  const started = Date.now();
  const { compiled, copied } = build();
  console.log(`dist/: ${compiled} files compiled, ${copied} copied in ${Date.now() - started} ms`);
}
