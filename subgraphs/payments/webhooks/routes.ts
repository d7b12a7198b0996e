import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PaymentsService } from '../service';
import { handleProviderWebhook, type WebhookConfig, webhookConfigFromEnv } from './handler';

export const WEBHOOK_PATH = '/webhooks/payments';

/**
 * `POST /webhooks/payments` for the processor. The body is kept raw (the signature is
 * over its exact bytes), so this router must be mounted before any JSON body parser.
 * The secret is read when the router is built: a production start without one fails.
 */
export function webhookRoutes(
  services: { payments: PaymentsService },
  config: WebhookConfig = webhookConfigFromEnv(),
): Router {
  const router = express.Router();
  router.post(
    WEBHOOK_PATH,
    express.raw({ type: 'application/json', limit: '256kb' }),
    async (req, res) => {
      const { status, body } = await handleProviderWebhook(
        services.payments,
        { rawBody: req.body, headers: req.headers },
        config,
      );
      res.status(status).json(body);
    },
  );
  // The body parser's refusals (too large, bad encoding) answer in the same JSON shape.
  router.use(
    WEBHOOK_PATH,
    (
      error: { status?: number; message?: string },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      res.status(error.status ?? 400).json({
        error: { code: 'WEBHOOK_BODY_REJECTED', message: error.message ?? 'The body was refused' },
      });
    },
  );
  return router;
}
