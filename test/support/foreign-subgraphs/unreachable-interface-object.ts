import type { ForeignSubgraph } from './types';

/**
 * The library owns the `Media` interface (Book implements it); the shelf adds `shelf` to it
 * as an `@interfaceObject` whose key is `resolvable: false`. The shelf can answer `shelf`
 * for the media its own root field returns, but nobody can take a medium found in the
 * library to the shelf: `library { shelf }` has no way to be resolved.
 */
export const BOOK = { id: 'm1', title: 'Dune' };

const library: ForeignSubgraph = {
  name: 'library',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { library: Media }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String }
  `,
  resolvers: {
    Query: { library: () => ({ __typename: 'Book', ...BOOK }) },
    Media: {
      __resolveReference: (ref: { id: string }) =>
        ref.id === BOOK.id ? { __typename: 'Book', ...BOOK } : null,
    },
    Book: { __resolveReference: (ref: { id: string }) => (ref.id === BOOK.id ? BOOK : null) },
  },
};

const shelf: ForeignSubgraph = {
  name: 'shelf',
  typeDefs: `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])
    type Query { onShelf: Media }
    type Media @key(fields: "id", resolvable: false) @interfaceObject {
      id: ID!
      shelf: String
    }
  `,
  resolvers: {
    Query: { onShelf: () => ({ id: BOOK.id, shelf: 'A3' }) },
  },
};

export const unreachableInterfaceObjectSubgraphs = [library, shelf];
