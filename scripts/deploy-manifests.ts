/**
 * `npm run deploy:manifests` writes deploy/k8s/base from the subgraph registry;
 * `-- --check` (run by `npm test`) fails when the committed files differ from it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseFiles } from './deploy/manifests';

const BASE = join(__dirname, '..', 'deploy', 'k8s', 'base');

export function baseDrift(): string[] {
  const expected = baseFiles();
  const present = existsSync(BASE) ? readdirSync(BASE) : [];
  const stale = present.filter((file) => !(file in expected));
  const differing = Object.entries(expected)
    .filter(
      ([file, content]) =>
        !present.includes(file) || readFileSync(join(BASE, file), 'utf8') !== content,
    )
    .map(([file]) => file);
  return [...stale, ...differing].sort();
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const drift = baseDrift();
    if (drift.length) {
      console.error(`deploy/k8s/base is stale (${drift.join(', ')}): run npm run deploy:manifests`);
      process.exit(1);
    }
  } else {
    rmSync(BASE, { recursive: true, force: true });
    mkdirSync(BASE, { recursive: true });
    for (const [file, content] of Object.entries(baseFiles()))
      writeFileSync(join(BASE, file), content);
    console.log(`wrote ${Object.keys(baseFiles()).length} files to deploy/k8s/base`);
  }
}
