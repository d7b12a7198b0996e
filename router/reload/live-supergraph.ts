import type { LoadedSupergraph } from '../supergraph';

/**
 * The supergraph the router serves right now. `view` reads like a LoadedSupergraph and
 * always answers from the current one, so the transports (which validate with
 * `view.apiGraphQLSchema` per request) follow a reload without being told. Whatever must
 * stay consistent through one operation (a plan and the schemas it was made on) takes a
 * snapshot, `current`, instead.
 */
export class LiveSupergraph {
  readonly view: LoadedSupergraph;

  constructor(public current: LoadedSupergraph) {
    const live = () => this.current;
    this.view = {
      get sdl() {
        return live().sdl;
      },
      get planner() {
        return live().planner;
      },
      get apiSchema() {
        return live().apiSchema;
      },
      get apiGraphQLSchema() {
        return live().apiGraphQLSchema;
      },
      get supergraphGraphQLSchema() {
        return live().supergraphGraphQLSchema;
      },
      get subgraphUrls() {
        return live().subgraphUrls;
      },
      get listSizes() {
        return live().listSizes;
      },
    };
  }
}
