import type { RequestHandler, Response } from 'express';

/**
 * Security headers on every response of the router:
 *
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 *   `X-Frame-Options: DENY`;
 * - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none';
 *   form-action 'none'` on every response that is not an HTML page (JSON, event streams,
 *   multipart): nothing in it may run or load. HTML pages (the landing page, the
 *   playground) set their own policy; they get this one only if they set none;
 * - `Strict-Transport-Security: max-age=31536000; includeSubDomains` when HSTS=on (only
 *   behind TLS: the router itself speaks plain HTTP);
 * - no `X-Powered-By`.
 */
export const STRICT_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS = 'max-age=31536000; includeSubDomains';

export function securityHeaders(options: { hsts: boolean }): RequestHandler {
  return (_req, res, next) => {
    res.removeHeader('X-Powered-By');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (options.hsts) res.setHeader('Strict-Transport-Security', HSTS);
    beforeHeadersSent(res, () => {
      if (res.getHeader('Content-Security-Policy') !== undefined) return;
      const type = String(res.getHeader('Content-Type') ?? '');
      if (!type.toLowerCase().startsWith('text/html'))
        res.setHeader('Content-Security-Policy', STRICT_CSP);
    });
    next();
  };
}

/** Runs `hook` once, just before the status line and headers go out. */
function beforeHeadersSent(res: Response, hook: () => void): void {
  const writeHead = res.writeHead as (
    this: Response,
    statusCode: number,
    ...rest: unknown[]
  ) => Response;
  let ran = false;
  res.writeHead = function (this: Response, statusCode: number, ...rest: unknown[]) {
    if (!ran) {
      ran = true;
      // writeHead(status, [message], {headers}): headers given here count too.
      const last = rest[rest.length - 1];
      if (typeof last === 'object' && last !== null && !Array.isArray(last)) {
        for (const [name, value] of Object.entries(last))
          if (value !== undefined) this.setHeader(name, value as string | string[]);
        rest = rest.slice(0, -1);
      }
      hook();
    }
    return writeHead.call(this, statusCode, ...rest);
  } as Response['writeHead'];
}
