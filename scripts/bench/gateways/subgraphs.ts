import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { gql } from 'graphql-tag';
import { IN_STOCK, PRODUCTS, REVIEWS, USERS } from './data';

/**
 * The gateways benchmark's four subgraphs (accounts, inventory, products, reviews) with
 * its schema, as Apollo Federation 2 subgraphs over the in-memory data of data.ts.
 */
const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])`;

const byId = new Map(USERS.map((u) => [u.id, u]));
const byUpc = new Map(PRODUCTS.map((p) => [p.upc, p]));
const reviewById = new Map(REVIEWS.map((r) => [r.id, r]));

type Resolvers = GraphQLResolverMap<unknown>;

const accounts: Resolvers = {
  Query: {
    me: () => USERS[0],
    user: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
    users: () => USERS,
  },
  User: { __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null },
};

const inventory: Resolvers = {
  Product: {
    __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
      ...ref,
      inStock: IN_STOCK.get(ref.upc) ?? false,
    }),
    // Free above 1,000; otherwise half a unit per weight unit.
    shippingEstimate: (p: { price?: number; weight?: number }) => {
      if (p.price == null || p.weight == null) return null;
      return p.price > 1000 ? 0 : p.weight / 2;
    },
  },
};

const products: Resolvers = {
  Query: {
    topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first),
  },
  Product: { __resolveReference: (ref: { upc: string }) => byUpc.get(ref.upc) ?? null },
};

const reviews: Resolvers = {
  Review: {
    __resolveReference: (ref: { id: string }) => reviewById.get(ref.id) ?? null,
    product: (r: { productUpc: string }) => ({ upc: r.productUpc }),
    author: (r: { authorId: string }) => ({
      id: r.authorId,
      username: byId.get(r.authorId)?.username,
    }),
  },
  User: {
    __resolveReference: (ref: { id: string }) => ref,
    reviews: (u: { id: string }) => REVIEWS.filter((r) => r.authorId === u.id),
  },
  Product: {
    __resolveReference: (ref: { upc: string }) => ref,
    reviews: (p: { upc: string }) => REVIEWS.filter((r) => r.productUpc === p.upc),
  },
};

export const benchSubgraphs: Record<string, { typeDefs: DocumentNode; resolvers: Resolvers }> = {
  accounts: {
    typeDefs: gql`
      ${LINK}
      type Query {
        me: User
        user(id: ID!): User
        users: [User]
      }
      type User @key(fields: "id") {
        id: ID!
        name: String
        username: String @shareable
        birthday: Int
      }
    `,
    resolvers: accounts,
  },
  inventory: {
    typeDefs: gql`
      ${LINK}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }
    `,
    resolvers: inventory,
  },
  products: {
    typeDefs: gql`
      ${LINK}
      type Query {
        topProducts(first: Int = 5): [Product]
      }
      type Product @key(fields: "upc") {
        upc: String!
        name: String
        price: Int
        weight: Int
      }
    `,
    resolvers: products,
  },
  reviews: {
    typeDefs: gql`
      ${LINK}
      type Review @key(fields: "id") {
        id: ID!
        body: String
        product: Product
        author: User @provides(fields: "username")
      }
      type User @key(fields: "id") {
        id: ID!
        username: String @external
        reviews: [Review]
      }
      type Product @key(fields: "upc") {
        upc: String!
        reviews: [Review]
      }
    `,
    resolvers: reviews,
  },
};

export function benchSubgraphSchema(name: string): GraphQLSchema {
  const subgraph = benchSubgraphs[name];
  if (!subgraph) throw new Error(`Name a subgraph: ${Object.keys(benchSubgraphs).join(', ')}`);
  return buildSubgraphSchema(subgraph);
}
