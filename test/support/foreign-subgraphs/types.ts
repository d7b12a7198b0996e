/** A subgraph of a foreign supergraph a test composes: its SDL and its resolvers. */
export interface ForeignSubgraph {
  name: string;
  typeDefs: string;
  resolvers: Record<string, any>;
}
