import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { loadSafelist, manifestEntries, sha256 } from './manifest';

const body = 'query Warehouses {\n  warehouses { id code }\n}';

function file(json: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'safelist-')), 'manifest.json');
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('safelist manifests', () => {
  it.each([
    ['operations list', { operations: [{ name: 'Warehouses', sha256: sha256(body), body }] }],
    [
      "Apollo's persisted query manifest",
      {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256(body), name: 'Warehouses', type: 'query', body }],
      },
    ],
    ['sha256 → body map', { [sha256(body)]: body }],
    [
      "the SDK's name → { sha256, document } map",
      { Warehouses: { type: 'query', sha256: sha256(body), document: body } },
    ],
  ])('reads the %s shape', (_shape, json) => {
    const safelist = loadSafelist(file(json));
    expect(safelist.size).toBe(1);
    expect(safelist.bodies.get(sha256(body))).toBe(body);
    expect(safelist.allows(body)).toBe(true);
    expect(safelist.allows(print(parse(body)))).toBe(true); // as graphql-ws hands it on
    expect(safelist.allows('{ warehouses { id } }')).toBe(false);
    expect(safelist.allows(body.replace('code', 'name'))).toBe(false);
  });

  it('reads the manifest the SDK generates', () => {
    const safelist = loadSafelist(
      join(__dirname, '..', '..', '..', 'sdk', 'generated', 'operation-manifest.json'),
    );
    expect(safelist.size).toBeGreaterThan(0);
  });

  it('accepts a listed hash of its own as an alias, and refuses what it cannot read', () => {
    const safelist = loadSafelist(file({ operations: [{ sha256: 'ABC123', body }] }));
    expect(safelist.bodies.get('abc123')).toBe(body);
    expect(() => manifestEntries({ operations: [{ name: 'x' }] })).toThrow('no body');
    expect(() => loadSafelist(file({ x: '{ not graphql' }))).toThrow('does not parse');
    expect(() => loadSafelist('/nonexistent/manifest.json')).toThrow('OPERATION_SAFELIST');
  });
});
