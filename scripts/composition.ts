import { composeServices } from '@apollo/composition';
import { subgraphs } from '../subgraphs/registry';

/**
 * The URLs baked into the supergraph are the defaults of `npm start`; the router
 * replaces them from <NAME>_URL variables when subgraphs run elsewhere.
 */
export function composeSubgraphs(): string {
  const result = composeServices(
    subgraphs.map((s) => ({
      name: s.name,
      typeDefs: s.typeDefs,
      url: `http://localhost:${s.defaultPort}/graphql`,
    })),
  );
  if (result.errors?.length) {
    const messages = result.errors.map((e) => `- ${e.message}`).join('\n');
    throw new Error(`Composition failed:\n${messages}`);
  }
  return result.supergraphSdl!.endsWith('\n') ? result.supergraphSdl! : `${result.supergraphSdl}\n`;
}
