import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, getOperationAST, print } from 'graphql';

export type { TypedDocumentNode };
export type OperationType = 'query' | 'mutation' | 'subscription';

const texts = new WeakMap<DocumentNode, string>();

/**
 * The text the SDK sends for a document, and hashes for persisted queries and the
 * manifest: graphql-js `print`, so the manifest and the client always agree.
 */
export function operationText(document: DocumentNode): string {
  let text = texts.get(document);
  if (text === undefined) {
    text = print(document);
    texts.set(document, text);
  }
  return text;
}

/** The (single) operation of a document: its name and type. */
export function operationOf(document: DocumentNode): { name: string | null; type: OperationType } {
  const operation = getOperationAST(document);
  if (!operation) throw new Error('The document must hold exactly one operation');
  return { name: operation.name?.value ?? null, type: operation.operation };
}

const hashes = new Map<string, Promise<string>>();

/** Lower-case hex SHA-256 of a text, with WebCrypto (Node 20+ and every browser). */
export function sha256Hex(text: string): Promise<string> {
  let hash = hashes.get(text);
  if (!hash) {
    hash = globalThis.crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(text))
      .then((digest) =>
        Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''),
      );
    hashes.set(text, hash);
  }
  return hash;
}

/** One entry of sdk/generated/operation-manifest.json (written by `npm run codegen`). */
export interface ManifestEntry {
  type: OperationType;
  /** Lower-case hex SHA-256 of `document`: what the SDK sends as persistedQuery.sha256Hash. */
  sha256: string;
  /** The exact text the SDK sends as `query`. */
  document: string;
}
export type OperationManifest = Record<string, ManifestEntry>;

/** Builds the manifest from TypedDocumentNodes (the generated `…Document` exports), sorted by name. */
export async function buildManifest(documents: Iterable<DocumentNode>): Promise<OperationManifest> {
  const entries: [string, ManifestEntry][] = [];
  for (const document of documents) {
    const { name, type } = operationOf(document);
    if (!name) throw new Error('Every SDK operation needs a name');
    const text = operationText(document);
    entries.push([name, { type, sha256: await sha256Hex(text), document: text }]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const manifest: OperationManifest = {};
  for (const [name, entry] of entries) {
    if (manifest[name]) throw new Error(`Two SDK operations are named ${name}`);
    manifest[name] = entry;
  }
  return manifest;
}
