import { withDeferDirective, withoutDefer } from '../defer/directive';
import { existsSync, readFileSync } from 'node:fs';
import { operationFromDocument } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import type { LoadedSupergraph } from '../supergraph';

export interface KnownOperation {
  name: string;
  document: string;
}

export interface BrokenOperation {
  name: string;
  error: string;
}

export interface PreplanReport {
  planned: number;
  broken: BrokenOperation[];
  durationMs: number;
}

/**
 * The operations the SDK ships (sdk/generated/operation-manifest.json: `{ name: { document } }`),
 * which clients in the field send as they are. None when the file is absent (an image
 * without the SDK): a reload then checks no operation.
 */
export function loadKnownOperations(path: string): KnownOperation[] {
  if (!existsSync(path)) return [];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { document?: string }>;
  return Object.entries(manifest)
    .filter(([, entry]) => typeof entry?.document === 'string')
    .map(([name, entry]) => ({ name, document: entry.document! }));
}

/**
 * Validates and plans every known operation on a supergraph that is not serving yet. What
 * no longer validates or plans is listed; the planner is warm for the rest. Yields to the
 * event loop between operations: the serving supergraph keeps answering meanwhile.
 */
export async function preplan(
  supergraph: LoadedSupergraph,
  operations: readonly KnownOperation[],
): Promise<PreplanReport> {
  const started = performance.now();
  const broken: BrokenOperation[] = [];
  let planned = 0;
  for (const { name, document: text } of operations) {
    try {
      const document = parse(text);
      // @defer is the router's (router/defer): valid here, and planned as the gateway runs
      // it when no part is streamed, without it.
      const errors = validate(withDeferDirective(supergraph.apiGraphQLSchema), document);
      if (errors.length) throw errors[0]!;
      supergraph.planner.buildQueryPlan(
        operationFromDocument(supergraph.apiSchema, withoutDefer(document), {
          operationName: name,
        }),
      );
      planned += 1;
    } catch (error) {
      broken.push({ name, error: (error as Error).message });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { planned, broken, durationMs: Math.round(performance.now() - started) };
}
