import type { DeclaredListSizes } from '../../supergraph';
/**
 * Operation limits, checked before the router plans or calls any subgraph.
 *
 * | limit                         | default | environment              | code when exceeded        |
 * |-------------------------------|---------|--------------------------|---------------------------|
 * | document size (bytes)         | 100000  | MAX_DOCUMENT_BYTES       | DOCUMENT_TOO_LARGE        |
 * | tokens in the document        | 5000    | MAX_TOKENS               | MAX_TOKENS_EXCEEDED       |
 * | depth (nested fields)         | 15      | MAX_DEPTH                | MAX_DEPTH_EXCEEDED        |
 * | aliases                       | 30      | MAX_ALIASES              | MAX_ALIASES_EXCEEDED      |
 * | root fields                   | 20      | MAX_ROOT_FIELDS          | MAX_ROOT_FIELDS_EXCEEDED  |
 * | directives                    | 50      | MAX_DIRECTIVES           | MAX_DIRECTIVES_EXCEEDED   |
 * | cost (see cost.ts)            | 10000   | MAX_COST                 | COST_EXCEEDED             |
 * | `first` on a connection       | 100     | MAX_FIRST                | FIRST_TOO_LARGE           |
 * | list size assumed without `first` | 20  | DEFAULT_LIST_SIZE        | –                         |
 * | … for named fields            | below   | LIST_SIZES               | –                         |
 * | request body (bytes)          | 1000000 | MAX_BODY_BYTES           | DOCUMENT_TOO_LARGE        |
 *
 * Every rejection is HTTP 400 with that `extensions.code`. The request body limit (query,
 * variables and extensions together) replaces server.ts's `express.json` 1 MB one, so a
 * body above it is refused as DOCUMENT_TOO_LARGE in JSON rather than Express's HTML 413.
 * Aliases, directives and depth count fragments where they are spread.
 */
/**
 * Sizes the router assumes for lists without a slicing argument, by `Type.field`, over what
 * the subgraphs declare with `@listSize` (router/supergraph.ts): for a team that cannot
 * change a subgraph. LIST_SIZES=`Type.field=N,…` sets them; none by default.
 */
export const DEFAULT_LIST_SIZES: Readonly<Record<string, number>> = {};

export interface OperationLimits {
  maxDocumentBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxDirectives: number;
  maxCost: number;
  maxFirst: number;
  defaultListSize: number;
  maxBodyBytes: number;
  /** `Type.field` → the size assumed for that list when it has no `first`. */
  listSizes: Readonly<Record<string, number>>;
  /** What the supergraph declares (`@listSize`); set by the router from its supergraph. */
  declaredListSizes?: DeclaredListSizes;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDocumentBytes: 100_000,
  maxTokens: 5_000,
  maxDepth: 15,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 50,
  maxCost: 10_000,
  maxFirst: 100,
  defaultListSize: 20,
  maxBodyBytes: 1_000_000,
  listSizes: DEFAULT_LIST_SIZES,
};

type NumericLimit = Exclude<keyof OperationLimits, 'listSizes' | 'declaredListSizes'>;

const VARIABLES: Record<NumericLimit, string> = {
  maxDocumentBytes: 'MAX_DOCUMENT_BYTES',
  maxTokens: 'MAX_TOKENS',
  maxDepth: 'MAX_DEPTH',
  maxAliases: 'MAX_ALIASES',
  maxRootFields: 'MAX_ROOT_FIELDS',
  maxDirectives: 'MAX_DIRECTIVES',
  maxCost: 'MAX_COST',
  maxFirst: 'MAX_FIRST',
  defaultListSize: 'DEFAULT_LIST_SIZE',
  maxBodyBytes: 'MAX_BODY_BYTES',
};

/** The limits from the environment; a variable that is not a positive integer is an error. */
export function operationLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): OperationLimits {
  const limits = { ...DEFAULT_OPERATION_LIMITS };
  for (const key of Object.keys(VARIABLES) as NumericLimit[]) {
    const raw = env[VARIABLES[key]];
    if (raw === undefined || raw === '') continue;
    limits[key] = positiveInteger(VARIABLES[key], raw);
  }
  if (env.LIST_SIZES !== undefined) {
    const sizes: Record<string, number> = {};
    for (const item of env.LIST_SIZES.split(',')
      .map((i) => i.trim())
      .filter(Boolean)) {
      const match = /^([_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*)=(.+)$/.exec(item);
      if (!match) throw new Error(`LIST_SIZES: "${item}" is not Type.field=N`);
      sizes[match[1]!] = positiveInteger(`LIST_SIZES ${match[1]}`, match[2]!);
    }
    limits.listSizes = sizes;
  }
  return limits;
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}
