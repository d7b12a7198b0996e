import express, { type Router } from 'express';
import { z } from 'zod';
import { advance, TRACKING_STATUSES } from './domain/tracking';
import { CARRIER_SIGNATURE_HEADER, verifyCarrierSignature } from './domain/webhook-signature';
import type { ShipmentStatus } from './entities';
import { ShippingErrorCode as E } from './errors';
import type { ShippingService } from './service';

const trackingEvent = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('tracking.updated'),
  trackingNumber: z.string().min(1).max(64),
  status: z.enum(TRACKING_STATUSES as [ShipmentStatus, ...ShipmentStatus[]]),
  description: z.string().max(500).default(''),
  occurredAt: z.string().datetime(),
});

/**
 * `POST /webhooks/carriers/:carrier`: a carrier's tracking events, signed (see
 * domain/webhook-signature.ts); and `GET /labels/:tracking.pdf`: a label by its signed link.
 * The webhook body stays raw: the signature is over its exact bytes.
 */
export function shippingRoutes(shipping: ShippingService): Router {
  const router = express.Router();
  router.post(
    '/webhooks/carriers/:carrier',
    express.raw({ type: 'application/json', limit: '64kb' }),
    async (req, res) => {
      const carrier = String(req.params.carrier);
      if (!shipping.carrierNames().includes(carrier)) {
        res.status(404).json({ error: { code: E.CARRIER_UNKNOWN } });
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyCarrierSignature(
        req.header(CARRIER_SIGNATURE_HEADER),
        body,
        shipping.config.SHIPPING_WEBHOOK_SECRET,
        shipping.config.SHIPPING_WEBHOOK_TOLERANCE_SECONDS,
      );
      if (!check.ok) {
        res.status(400).json({ error: { code: check.code } });
        return;
      }
      let parsed;
      try {
        parsed = trackingEvent.safeParse(JSON.parse(body.toString('utf8')));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        res.status(400).json({ error: { code: E.WEBHOOK_PAYLOAD_INVALID } });
        return;
      }
      const event = parsed.data;
      const outcome = await shipping.applyTrackingEvent(
        carrier,
        { ...event, occurredAt: new Date(event.occurredAt) },
        advance,
      );
      if (outcome === 'UNKNOWN_TRACKING_NUMBER') {
        // 404 tells the carrier not to retry: no shipment of ours has this number.
        res.status(404).json({ error: { code: E.TRACKING_NUMBER_UNKNOWN } });
        return;
      }
      res.status(200).json({ received: true, outcome });
    },
  );
  router.get('/labels/:file', async (req, res) => {
    const file = String(req.params.file);
    const trackingNumber = file.endsWith('.pdf') ? file.slice(0, -4) : file;
    const { expires, sig } = req.query;
    if (
      typeof expires !== 'string' ||
      typeof sig !== 'string' ||
      !shipping.verifyLabelLink(trackingNumber, expires, sig)
    ) {
      res.status(403).json({ error: { code: 'FORBIDDEN' } });
      return;
    }
    const pdf = await shipping.labelPdf(trackingNumber);
    if (!pdf) {
      res.status(404).json({ error: { code: E.NOT_FOUND } });
      return;
    }
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="${trackingNumber}.pdf"`);
    res.setHeader('cache-control', 'private, no-store');
    res.send(pdf);
  });
  return router;
}
