import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RouterContext } from '../../context';
import type { EdgeModule } from '../index';
import { operationLimitsFromEnv } from '../limits/config';
import { checkEachOperation, graphqlBodyParser, isRecord, persistedHashOf } from '../limits/http';
import { loadSafelist, sha256, type Safelist } from './manifest';
import { redisQueryCache, type QueryCache } from './redis-cache';
import { loadConfig, setting } from '../../../platform/config';

/**
 * Persisted operations, configured once per router from the environment.
 *
 * Automatic persisted queries (Apollo's protocol: `extensions.persistedQuery
 * { version: 1, sha256Hash }`, POST or GET): Apollo Server answers an unknown hash with
 * PERSISTED_QUERY_NOT_FOUND, the client sends the query with its hash, and from then on
 * the hash alone runs it. Apollo Server keeps them in its in-memory cache (on by
 * default); with REDIS_URL set this module also shares them through Redis
 * (`<APQ_PREFIX, default commerce>:apq:<sha256>`, kept APQ_TTL_SECONDS, default 86400, after registration),
 * so a hash registered on one router runs on every router.
 *
 * Safelist mode, OPERATION_SAFELIST=path/to/manifest.json (format in ./manifest.ts; the
 * SDK's is sdk/generated/operation-manifest.json): only listed operations run, sent by
 * hash alone or as their exact body; anything else gets HTTP 400
 * PERSISTED_QUERY_NOT_IN_SAFELIST. Checked before parsing for HTTP (subscriptions over
 * SSE and multipart included) and again in Apollo Server for every other transport.
 * Off when the variable is unset.
 */
export const persistedOperations: EdgeModule = () => {
  const safelistPath = process.env.OPERATION_SAFELIST;
  const safelist = safelistPath ? loadSafelist(safelistPath) : undefined;
  const cache = process.env.REDIS_URL
    ? redisQueryCache(process.env.REDIS_URL, {
        prefix: `${process.env.APQ_PREFIX ?? 'commerce'}:apq:`,
        ttlSeconds: loadConfig({ APQ_TTL_SECONDS: setting.int(86400, { min: 1 }) }).APQ_TTL_SECONDS,
      })
    : undefined;
  return {
    middleware: safelist
      ? [
          graphqlBodyParser(operationLimitsFromEnv(process.env).maxBodyBytes),
          checkEachOperation((params) => {
            if (typeof params.query === 'string')
              return safelist.allows(params.query) ? null : notInSafelist();
            const hash = persistedHashOf(params);
            if (hash !== undefined)
              return safelist.bodies.has(hash.toLowerCase()) ? null : notInSafelist();
            return null; // neither: Apollo Server says what is missing
          }),
        ]
      : [],
    plugins: [persistedOperationsPlugin({ safelist, cache })],
    close: async () => {
      await cache?.close();
    },
  };
};

export function notInSafelist(): GraphQLError {
  return new GraphQLError('This operation is not in the safelist of registered operations', {
    extensions: { code: 'PERSISTED_QUERY_NOT_IN_SAFELIST', http: { status: 400 } },
  });
}

export function persistedOperationsPlugin(options: {
  safelist?: Safelist;
  cache?: QueryCache;
}): ApolloServerPlugin<RouterContext> {
  const { safelist, cache } = options;
  return {
    // Runs before Apollo Server looks the hash up in its own cache: a hash it may not
    // know (listed, or registered on another router) gets its text here.
    async requestDidStart({ request }) {
      let fromSharedCache = false;
      const hash = persistedHashOf(request);
      if (request.query === undefined && hash !== undefined) {
        const listed = safelist?.bodies.get(hash.toLowerCase());
        const body = listed ?? (cache ? await cache.get(hash) : undefined);
        if (body !== undefined) {
          request.query = body;
          fromSharedCache = listed === undefined;
          // A manifest may list a hash of its own: run the body as a plain query then.
          if (sha256(body) !== hash && isRecord(request.extensions)) {
            const { persistedQuery: _listedHash, ...extensions } = request.extensions;
            request.extensions = extensions;
          }
        }
      }
      return {
        async didResolveOperation({ source }) {
          if (safelist && !safelist.allows(source)) throw notInSafelist();
        },
        // Reached only when every check passed: Apollo Server registers the query in
        // its own cache at this point, and so does the shared one, before answering, so
        // that the hash alone works on every router once the client has its answer.
        // (responseForOperation, not executionDidStart: a deferred query, answered by a
        // plugin from this hook, never starts the gateway's execution.)
        async responseForOperation({ metrics, queryHash, source }) {
          if (cache && metrics.persistedQueryRegister && !fromSharedCache && queryHash)
            await cache.set(queryHash, source);
          return null;
        },
      };
    },
  };
}
