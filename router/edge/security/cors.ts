import type { RequestHandler } from 'express';

/**
 * CORS with an allow-list. CORS_ORIGINS is a comma-separated list of origins
 * (`https://shop.example.com`, scheme and host and any port, exactly as browsers send
 * them) or `*` for any. Unset: in development any localhost origin (localhost,
 * 127.0.0.1, [::1], any port, http or https); in production (NODE_ENV=production) none.
 *
 * An allowed origin gets `Access-Control-Allow-Origin: <origin>` (and `Vary: Origin`);
 * its preflight (OPTIONS with Access-Control-Request-Method) is answered 204 with the
 * methods (GET, POST, OPTIONS), the headers it asked for and a max-age of 10 minutes. A
 * preflight from any other origin is answered 403 without CORS headers, so the browser
 * refuses the request; a simple request from one gets no CORS headers, so the browser
 * withholds the response (and CSRF prevention refuses state-changing simple requests).
 */
export type OriginPolicy = (origin: string) => boolean;

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

export function originPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): OriginPolicy {
  const configured = env.CORS_ORIGINS?.trim();
  if (!configured)
    return env.NODE_ENV === 'production' ? () => false : (origin) => LOCALHOST.test(origin);
  const origins = configured
    .split(',')
    .map((o) => o.trim().replace(/\/$/, '').toLowerCase())
    .filter(Boolean);
  if (origins.includes('*')) return () => true;
  const allowed = new Set(origins);
  return (origin) => allowed.has(origin.toLowerCase());
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** Response headers a browser script may read, beside the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'retry-after, x-request-id';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export function cors(allows: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const preflight =
      req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    res.vary('Origin');
    if (!origin) return next();
    if (!allows(origin)) {
      if (preflight) {
        res.status(403).type('application/json; charset=utf-8');
        res.send(
          JSON.stringify({
            errors: [
              {
                message: `Origin ${origin} is not allowed`,
                extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED' },
              },
            ],
          }),
        );
        return;
      }
      return next();
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      return next();
    }
    res.vary('Access-Control-Request-Headers');
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
    res.status(204).end();
  };
}
