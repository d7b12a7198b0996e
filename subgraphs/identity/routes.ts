import express, { type Router } from 'express';
import type { IdentityServices } from './service';
import { createLogger } from '../../platform/logging';

const log = createLogger('identity');

/**
 * Plain HTTP endpoints of identity, mounted next to /graphql:
 *  GET /.well-known/jwks.json  the public keys access tokens are signed with (the router
 *                              verifies tokens against it; keys rotate, old ones stay
 *                              listed until their tokens have expired).
 * These need no router signature: public keys are public.
 */
export function identityRoutes(services: Pick<IdentityServices, 'keys'>): Router {
  const router = express.Router();
  router.get('/.well-known/jwks.json', async (_req, res) => {
    try {
      const jwks = await services.keys.publicJwks();
      res.set('cache-control', 'public, max-age=60');
      res.json(jwks);
    } catch (error) {
      log.error('JWKS unavailable', { error: (error as Error).message });
      res.status(503).json({ error: 'unavailable' });
    }
  });
  return router;
}
