import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/**
 * Structured logs: one JSON object per line, for the router and every subgraph alike.
 *
 *   {"time":"…","level":"info","service":"catalog","msg":"request","requestId":"…",…}
 *
 * The level comes from LOG_LEVEL (debug, info, warn, error, silent); the default is `info`,
 * and `warn` under jest (NODE_ENV=test) so test runs stay quiet. Lines go to stdout unless
 * a sink is set (`setLogSink`), which is how tests read them. Field names that look like
 * secrets (tokens, passwords, signatures, cookies, authorization) are never written.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;
export interface LogRecord extends LogFields {
  time: string;
  level: Exclude<LogLevel, 'silent'>;
  service: string;
  msg: string;
}
/** Where lines go: the JSON text (no newline) and the record it was made from. */
export type LogSink = (line: string, record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Would a line at this level be written now? (Skip building expensive fields if not.) */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** A logger whose lines all carry these fields too. */
  child(fields: LogFields): Logger;
}

const SEVERITY: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 100,
};
const SECRET_FIELD = /authorization|token|password|secret|signature|cookie|credential|api[-_]?key/i;

export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.LOG_LEVEL?.toLowerCase();
  if (wanted && wanted in SEVERITY) return wanted as LogLevel;
  return env.NODE_ENV === 'test' ? 'warn' : 'info';
}

const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

// Process-wide, like stdout itself: every logger reads these when it writes.
let sink: LogSink = stdoutSink;
let level: LogLevel = logLevelFromEnv();

/**
 * Send every logger's lines to `next` (null: back to stdout), at `options.level` if given.
 * Returns a function that puts back what was there before.
 */
export function setLogSink(next: LogSink | null, options: { level?: LogLevel } = {}): () => void {
  const previous = { sink, level };
  sink = next ?? stdoutSink;
  if (options.level) level = options.level;
  return () => {
    sink = previous.sink;
    level = previous.level;
  };
}

export function setLogLevel(next: LogLevel): void {
  level = next;
}

export function createLogger(service: string, fields: LogFields = {}): Logger {
  const write = (at: Exclude<LogLevel, 'silent'>, msg: string, extra?: LogFields): void => {
    if (SEVERITY[at] < SEVERITY[level]) return;
    const record: LogRecord = { time: new Date().toISOString(), level: at, service, msg };
    for (const source of [fields, extra ?? {}]) {
      for (const [key, value] of Object.entries(source)) {
        if (value === undefined || SECRET_FIELD.test(key) || key in record) continue;
        record[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
      }
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level: at, service, msg, unserializable: true });
    }
    try {
      sink(line, record);
    } catch {
      // A broken sink must never break a request.
    }
  };
  return {
    debug: (msg, extra) => write('debug', msg, extra),
    info: (msg, extra) => write('info', msg, extra),
    warn: (msg, extra) => write('warn', msg, extra),
    error: (msg, extra) => write('error', msg, extra),
    enabled: (at) => SEVERITY[at] >= SEVERITY[level],
    child: (more) => createLogger(service, { ...fields, ...more }),
  };
}

/** The trace id of a W3C `traceparent` header (`00-<trace id>-<span id>-<flags>`), if valid. */
export function traceIdOf(traceparent: string | string[] | undefined | null): string | undefined {
  const value = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  const match = value
    ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(value.trim())
    : null;
  return match && !/^0+$/.test(match[1]!) ? match[1] : undefined;
}

/** The distinct `extensions.code`s of a response's errors. */
export function errorCodesOf(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  if (!errors?.length) return [];
  return [...new Set(errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
}

/**
 * One line per operation a subgraph serves, carrying the router's request id (and the
 * trace id of the router's span, when the router traces), so its lines join the router's.
 */
export function requestLoggingPlugin<
  Context extends { requestId?: string; viewer?: { kind: string } },
>(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName }) {
          const body = response.body;
          const errors =
            body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const codes = errorCodesOf(errors);
          const status = response.http.status ?? 200;
          const at = status >= 500 ? 'error' : 'info';
          if (!logger.enabled(at)) return;
          logger[at]('request', {
            requestId: contextValue.requestId,
            traceId: traceIdOf(request.http?.headers.get('traceparent')),
            operationName: operationName ?? request.operationName ?? null,
            operationType: operation?.operation ?? null,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
            status,
            errorCodes: codes.length ? codes : undefined,
            viewer: contextValue.viewer?.kind,
          });
        },
      };
    },
  };
}
