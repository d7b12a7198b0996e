/**
 * Imported first by scripts/bench.ts: every module that logs reads LOG_LEVEL when it is
 * loaded (platform/logging.ts), so it must be set before any of them is imported. A log
 * line per request would be most of what a benchmark measures.
 */
process.env.LOG_LEVEL ??= 'warn';

export {};
