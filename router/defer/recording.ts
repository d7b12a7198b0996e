import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * The subgraph answers of one deferred request, kept so that a later part can start from
 * the data the earlier parts fetched without asking again. @apollo/gateway's plan
 * executor starts every run from empty data; a deferred part is run as its ancestors'
 * plan nodes followed by its own, and the ancestors' fetches are answered from here (the
 * same fetch with the same representations and variables), so only the part's own
 * fetches reach a subgraph. Their errors were reported with the part that made them: a
 * replayed answer carries data only.
 */
export class FetchRecording {
  private readonly answers = new Map<string, Response>();

  constructor(private readonly sources: ReadonlyMap<string, GraphQLDataSource>) {}

  serviceMap(): ServiceMap {
    const map: ServiceMap = Object.create(null);
    for (const [name, source] of this.sources) {
      map[name] = {
        process: async (options) => {
          const key = `${name}\n${options.request.query}\n${JSON.stringify(options.request.variables ?? {})}`;
          const known = this.answers.get(key);
          if (known) return { data: known.data ? structuredClone(known.data) : known.data };
          let response: Response;
          try {
            response = await source.process(options);
          } catch (error) {
            this.answers.set(key, { data: null });
            throw error;
          }
          // The gateway merges answers into its result in place: keep a copy of our own.
          this.answers.set(key, { data: response.data ? structuredClone(response.data) : null });
          return response;
        },
      };
    }
    return map;
  }
}
