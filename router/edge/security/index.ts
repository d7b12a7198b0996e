import type { EdgeModule } from '../index';
import { cors, originPolicyFromEnv } from './cors';
import { securityHeaders } from './headers';
import { productionSchemaHiding } from './introspection';

/**
 * The router's HTTP hygiene, configured once per router from the environment:
 *
 * - CORS with an allow-list (CORS_ORIGINS; defaults in ./cors.ts), preflight included;
 * - security headers on every response (./headers.ts; HSTS=on adds Strict-Transport-Security);
 * - in production (NODE_ENV=production), no introspection and no field suggestions
 *   (./introspection.ts);
 * - CSRF prevention is Apollo Server's own (on by default since Apollo Server 4): a GET, or
 *   a POST whose content type a form or a script may send without a preflight
 *   (text/plain, application/x-www-form-urlencoded, multipart/form-data) or that names
 *   none, is refused with 400 unless it carries a non-empty `apollo-require-preflight` or
 *   `x-apollo-operation-name` header.
 */
export const security: EdgeModule = () => {
  const production = process.env.NODE_ENV === 'production';
  return {
    middleware: [
      securityHeaders({ hsts: process.env.HSTS === 'on' }),
      cors(originPolicyFromEnv(process.env)),
    ],
    plugins: production ? productionSchemaHiding() : [],
  };
};
