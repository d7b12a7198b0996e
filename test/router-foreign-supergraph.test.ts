import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { postGraphQL } from '../platform/testing/graphql-client';
import { spawnRouterProcess, type RouterProcess } from './support/router-process';

/**
 * The router runs a supergraph another team composed: two subgraphs of their own (no
 * identity among them), given nothing but SUPERGRAPH_PATH. Variables that merely end in
 * `_URL` (FOO_URL, ACCOUNTS_URL) are not taken for subgraph addresses, and with no
 * identity provider configured the router serves anonymous callers and refuses tokens.
 */
const ACCOUNTS = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])
  type User @key(fields: "id") {
    id: ID!
    name: String!
    friends: [User!]! @listSize(assumedSize: 3)
    followers: [User!]!
    posts(limit: Int = 10): [Post!]! @listSize(slicingArguments: ["limit"])
  }
  type Post { id: ID! }
  type Query { users: [User!]! @listSize(assumedSize: 5) }
`;
const REVIEWS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type User @key(fields: "id") { id: ID! reviews: [Review!]! }
  type Review { body: String! }
`;
const USERS = [
  { id: '1', name: 'Ada' },
  { id: '2', name: 'Grace' },
];

const servers: ApolloServer[] = [];
let router: RouterProcess;

async function serve(typeDefs: string, resolvers: Record<string, any>): Promise<string> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
  });
  servers.push(server);
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return url;
}

beforeAll(async () => {
  const accounts = await serve(ACCOUNTS, {
    Query: { users: () => USERS },
    User: {
      __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id),
      friends: (user: { id: string }) => USERS.filter((u) => u.id !== user.id),
      followers: () => [],
      posts: () => [],
    },
  });
  const reviews = await serve(REVIEWS, {
    User: {
      __resolveReference: (ref: { id: string }) => ref,
      reviews: (user: { id: string }) => [{ body: `review by ${user.id}` }],
    },
  });
  const composed = composeServices([
    { name: 'accounts', typeDefs: parse(ACCOUNTS), url: accounts },
    { name: 'reviews', typeDefs: parse(REVIEWS), url: reviews },
  ]);
  if (!composed.supergraphSdl) throw new Error(JSON.stringify(composed.errors));
  const path = join(mkdtempSync(join(tmpdir(), 'foreign-supergraph-')), 'supergraph.graphql');
  writeFileSync(path, composed.supergraphSdl);
  router = await spawnRouterProcess(
    {},
    {
      SUPERGRAPH_PATH: path,
      MAX_COST: '1000',
      IDENTITY_JWKS_URL: undefined,
      // Not subgraph addresses: a stray setting, and one named like a subgraph.
      FOO_URL: 'http://127.0.0.1:9/nothing',
      ACCOUNTS_URL: 'http://127.0.0.1:9/graphql',
    },
  );
}, 60_000);

afterAll(async () => {
  await router?.stop();
  for (const server of servers) await server.stop();
});

it('answers a query across the foreign subgraphs from the URLs composed into it', async () => {
  const answer = await postGraphQL(router.url, '{ users { name reviews { body } } }');
  expect(answer.errors).toBeUndefined();
  expect(answer.data).toEqual({
    users: [
      { name: 'Ada', reviews: [{ body: 'review by 1' }] },
      { name: 'Grace', reviews: [{ body: 'review by 2' }] },
    ],
  });
});

it('verifies no tokens without an identity provider: a bearer token is refused', async () => {
  const answer = await postGraphQL(
    router.url,
    '{ users { name } }',
    {},
    {
      headers: { authorization: 'Bearer aaa.bbb.ccc' },
    },
  );
  expect(answer.status).toBe(401);
  expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

it('prices lists by the sizes the subgraphs declare (@listSize), and still refuses a dear query', async () => {
  const cost = async (query: string) => {
    const answer = await postGraphQL(router.url, query);
    return answer.errors?.[0]?.extensions?.code ?? 'OK';
  };
  // 1 + 5 × (1 + 3 × (1 + 3 × 1)) = 66: declared sizes, nested three deep.
  expect(await cost('{ users { friends { friends { name } } } }')).toBe('OK');
  // The same shape over an undeclared list: 1 + 5 × (1 + 20 × (1 + 20)) = 2,106 > 1,000.
  expect(await cost('{ users { followers { followers { name } } } }')).toBe('COST_EXCEEDED');
  // A declared slicing argument is the list's size: 1 + 5 × (1 + 100) = 506, 1 + 5 × 301 = 1,506.
  expect(await cost('{ users { posts(limit: 100) { id } } }')).toBe('OK');
  expect(await cost('{ users { posts(limit: 300) { id } } }')).toBe('COST_EXCEEDED');
});
