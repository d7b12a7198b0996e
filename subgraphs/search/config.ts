import { loadConfig, setting } from '../../platform/config';

/** Search's settings, read once where its services are created. */
export function loadSearchConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** The language of queries that give none (stemming), e.g. en or de. */
      SEARCH_DEFAULT_LOCALE: setting.string('en'),
      /** Type-ahead suggestions per request. */
      SEARCH_SUGGEST_LIMIT: setting.int(8, { min: 1, max: 20 }),
    },
    env,
  );
}

export type SearchConfig = ReturnType<typeof loadSearchConfig>;
