import type { ForeignSubgraph } from './types';

/**
 * A post's author is known from its comments (`@requires(fields: "comments(limit: 3) {
 * authorId }")`), while a client asks for the same field with another limit. The discussion
 * subgraph answers `comments` exactly as many as `limit` says, so an answer with more
 * comments than asked shows the planner sent the wrong arguments.
 */
export const POSTS = ['p1', 'p2'];
export const COMMENTS = [
  { id: 'c1', postId: 'p1', authorId: 'u2' },
  { id: 'c2', postId: 'p1', authorId: 'u2' },
  { id: 'c3', postId: 'p1', authorId: 'u2' },
  { id: 'c4', postId: 'p2', authorId: 'u1' },
  { id: 'c5', postId: 'p2', authorId: 'u1' },
  { id: 'c6', postId: 'p2', authorId: 'u1' },
];

const feed: ForeignSubgraph = {
  name: 'feed',
  typeDefs: `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { feed: [Post] }
    type Post @key(fields: "id") { id: ID! }
    type Comment @key(fields: "id") {
      id: ID!
      authorId: ID
    }
  `,
  resolvers: {
    Query: { feed: () => POSTS.map((id) => ({ id })) },
    Comment: {
      __resolveReference: (ref: { id: string }) => COMMENTS.find((c) => c.id === ref.id),
    },
  },
};

const discussion: ForeignSubgraph = {
  name: 'discussion',
  typeDefs: `
    extend schema
      @link(
        url: "https://specs.apollo.dev/federation/v2.3"
        import: ["@key", "@external", "@requires"]
      )
    type Post @key(fields: "id") {
      id: ID!
      comments(limit: Int!): [Comment]
      author: Author @requires(fields: "comments(limit: 3) { authorId }")
    }
    type Comment @key(fields: "id") {
      id: ID!
      authorId: ID @external
    }
    type Author { id: ID! }
  `,
  resolvers: {
    Post: {
      __resolveReference(ref: { id: string; comments?: { authorId: string }[] }) {
        if (ref.comments && ref.comments.length !== 3)
          throw new Error(`the author needs 3 comments, got ${ref.comments.length}`);
        return { id: ref.id, authorId: ref.comments?.[2]?.authorId };
      },
      comments: (post: { id: string }, { limit }: { limit: number }) =>
        COMMENTS.filter((c) => c.postId === post.id)
          .slice(0, limit)
          .map((c) => ({ id: c.id })),
      author: (post: { authorId?: string }) => (post.authorId ? { id: post.authorId } : null),
    },
    Comment: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
  },
};

export const requiredArgumentsSubgraphs = [feed, discussion];
