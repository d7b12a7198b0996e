import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { signIdentity, subgraphAudienceOf, type Viewer } from '../identity';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** What a test sends: an operation's text, or a typed document (an SDK operation). */
export type Operation<T = Record<string, any>, V = Record<string, unknown>> =
  string | TypedDocumentNode<T, V>;

const printed = new WeakMap<object, string>();

/** The text of an operation, printed once per document. */
export function operationText(operation: Operation<unknown, never>): string {
  if (typeof operation === 'string') return operation;
  let text = printed.get(operation);
  if (text === undefined) printed.set(operation, (text = print(operation)));
  return text;
}

/**
 * Posts an operation the way a client does; `viewer` signs it as the router would: for the
 * subgraph started at `url` in this process (or `options.audience`) and this very body. A
 * typed document types the answer and the variables.
 */
export async function postGraphQL<T = Record<string, any>, V = Record<string, unknown>>(
  url: string,
  query: Operation<T, V>,
  variables: V = {} as V,
  options: { viewer?: Viewer; headers?: Record<string, string>; audience?: string } = {},
): Promise<GraphQLResponse<T>> {
  const requestBody = JSON.stringify({ query: operationText(query), variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.viewer
        ? signIdentity(options.viewer, { audience: audienceFor(url, options), body: requestBody })
        : {}),
      ...options.headers,
    },
    body: requestBody,
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

function audienceFor(url: string, options: { audience?: string }): string {
  const audience = options.audience ?? subgraphAudienceOf(url);
  if (!audience)
    throw new Error(`No subgraph started at ${url} in this process: pass options.audience`);
  return audience;
}

/** Fails the test with the GraphQL errors when there are any; returns the data. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  }
  return response.data as T;
}

/**
 * One root field of an answer and the codes of the errors on its path, for asserting
 * partial answers: `{ value: null, codes: ['NOT_FOUND'] }` for a product that is not there.
 */
export function fieldAnswer(
  response: GraphQLResponse,
  field: string,
): { value: unknown; codes: unknown[] } {
  return {
    value: (response.data as Record<string, unknown> | null | undefined)?.[field] ?? null,
    codes: (response.errors ?? [])
      .filter((e) => (e as { path?: unknown[] }).path?.[0] === field)
      .map((e) => e.extensions?.code),
  };
}
