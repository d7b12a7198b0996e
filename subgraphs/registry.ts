import type { SubgraphModule } from './kit/subgraph';
import { catalogSubgraph } from './catalog';

/** Every subgraph of the platform, in start order. Composition and `npm start` read this. */
export const subgraphs: SubgraphModule<any, any>[] = [catalogSubgraph];

export function subgraphUrlEnv(name: string): string {
  return `${name.toUpperCase()}_URL`;
}
