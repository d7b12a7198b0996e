import { loadConfig, setting } from '../../platform/config';

/** Reviews' settings, read once where its services are created. */
export function loadReviewsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** A review's text, in characters: shorter or longer is refused (userError). */
      REVIEWS_BODY_MIN_LENGTH: setting.int(20, { min: 1, max: 1000 }),
      REVIEWS_BODY_MAX_LENGTH: setting.int(5000, { min: 10, max: 50_000 }),
      REVIEWS_TITLE_MAX_LENGTH: setting.int(120, { min: 1, max: 1000 }),
      /** Hold reviews by customers who have not had the product delivered (else publish them unbadged). */
      REVIEWS_HOLD_UNVERIFIED: setting.bool(true),
      /** Words added to the built-in list that hold a review (comma-separated). */
      REVIEWS_BLOCKED_WORDS: setting.list([]),
    },
    env,
  );
}

export type ReviewsConfig = ReturnType<typeof loadReviewsConfig>;
