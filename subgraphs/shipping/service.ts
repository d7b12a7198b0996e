import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { DomainError } from '../../platform/errors';
import { recordEvent } from '../../platform/outbox';
import { orderUpdatedTopic } from '../../platform/topics';
import { isCountryCode } from '../../platform/validation';
import type { CarrierProvider } from './carriers/provider';
import type { ShippingConfig } from './config';
import { priceParcel, servingZones } from './domain/rates';
import {
  LabelDocumentRow,
  MethodRow,
  ReturnLabelRow,
  ShipmentRow,
  TrackingEventRow,
  ZoneRow,
  type ParcelValue,
  type ShipmentStatus,
  type ShippingAddress,
} from './entities';
import { ShippingErrorCode as E } from './errors';

export const SCHEMA = 'shipping';
/** Emitted when a carrier says a shipment was delivered; see README for the payload. */
export const SHIPMENT_DELIVERED_TOPIC = 'shipping.shipment.delivered';
/** Emitted on every tracking status change. */
export const SHIPMENT_STATUS_TOPIC = 'shipping.shipment.status-changed';

export interface OptionsInput {
  country: string;
  region?: string | null;
  currency: string;
  orderValue: number;
  weightGrams?: number | null;
  itemCount: number;
}

export interface ShippingOptionValue {
  method: MethodRow;
  price: number;
  currency: string;
  free: boolean;
}

export interface ShipmentInput {
  orderId: string;
  idempotencyKey: string;
  fromAddress: ShippingAddress;
  toAddress: ShippingAddress;
  parcels: ParcelValue[];
  methodId?: string | null;
  carrier?: string | null;
}

export class ShippingService {
  constructor(
    readonly dataSource: DataSource,
    private readonly carriers: Map<string, CarrierProvider>,
    readonly config: ShippingConfig,
  ) {}

  carrierNames(): string[] {
    return [...this.carriers.keys()];
  }

  zones(): Promise<ZoneRow[]> {
    return this.dataSource.getRepository(ZoneRow).find({ order: { name: 'ASC' } });
  }

  methodsOfZones(zoneIds: readonly string[]): Promise<MethodRow[]> {
    return this.dataSource
      .getRepository(MethodRow)
      .find({ where: { zoneId: In([...zoneIds]) }, order: { name: 'ASC' } });
  }

  methodsByIds(ids: readonly string[]): Promise<MethodRow[]> {
    return this.dataSource.getRepository(MethodRow).findBy({ id: In([...ids]) });
  }

  /** Methods that serve the destination, priced; an empty list: the destination is not served. */
  async options(input: OptionsInput): Promise<ShippingOptionValue[]> {
    const country = input.country.toUpperCase();
    if (!isCountryCode(country))
      throw new DomainError(E.UNKNOWN_COUNTRY, `${input.country} is not a known country`, [
        'input',
        'country',
      ]);
    if (input.weightGrams !== null && input.weightGrams !== undefined && input.weightGrams <= 0)
      throw new DomainError(E.WEIGHT_INVALID, 'A weight is more than 0 grams', [
        'input',
        'weightGrams',
      ]);
    if (input.orderValue < 0 || input.itemCount < 0)
      throw new DomainError(E.INVALID, 'Order value and item count are 0 or more', ['input']);
    const zones = servingZones(await this.zones(), country, input.region ?? null);
    if (zones.length === 0) return [];
    const methods = (await this.methodsOfZones(zones.map((z) => z.id))).filter((m) => m.active);
    const options: ShippingOptionValue[] = [];
    for (const method of methods) {
      // A weight band without a weight would guess; the method is left out instead.
      if (method.basis === 'WEIGHT' && !input.weightGrams) continue;
      const priced = priceParcel(method.basis, method.rates, {
        currency: input.currency,
        orderValue: input.orderValue,
        weightGrams: input.weightGrams ?? 0,
        itemCount: input.itemCount,
      });
      if (priced) options.push({ method, currency: input.currency, ...priced });
    }
    return options.sort((a, b) => a.price - b.price || a.method.name.localeCompare(b.method.name));
  }

  shipmentsByIds(ids: readonly string[]): Promise<ShipmentRow[]> {
    return this.dataSource.getRepository(ShipmentRow).findBy({ id: In([...ids]) });
  }

  shipmentsOfOrders(orderIds: readonly string[]): Promise<ShipmentRow[]> {
    return this.dataSource
      .getRepository(ShipmentRow)
      .find({ where: { orderId: In([...orderIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  eventsOfShipments(ids: readonly string[]): Promise<TrackingEventRow[]> {
    return this.dataSource
      .getRepository(TrackingEventRow)
      .find({ where: { shipmentId: In([...ids]) }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }

  returnLabelsOfShipments(ids: readonly string[]): Promise<ReturnLabelRow[]> {
    return this.dataSource
      .getRepository(ReturnLabelRow)
      .find({ where: { shipmentId: In([...ids]) }, order: { createdAt: 'ASC' } });
  }

  /**
   * Buys the label and records the shipment, once per idempotency key: the key is locked
   * for the transaction, so a concurrent retry waits and then returns the first shipment.
   */
  async createShipment(input: ShipmentInput): Promise<ShipmentRow> {
    const requestHash = hashOf(input);
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `shipment:${input.idempotencyKey}`,
      ]);
      const existing = await tx
        .getRepository(ShipmentRow)
        .findOneBy({ idempotencyKey: input.idempotencyKey });
      if (existing) {
        if (existing.requestHash !== requestHash)
          throw new DomainError(
            E.IDEMPOTENCY_KEY_REUSED,
            'This key was used for another shipment',
            ['input', 'idempotencyKey'],
          );
        return existing;
      }
      let carrierName = input.carrier ?? null;
      if (input.methodId) {
        const method = await tx.getRepository(MethodRow).findOneBy({ id: input.methodId });
        if (!method)
          throw new DomainError(E.NOT_FOUND, 'No such shipping method', ['input', 'methodId']);
        carrierName = method.carrier;
      }
      const carrier = carrierName ? this.carriers.get(carrierName) : undefined;
      if (!carrier)
        throw new DomainError(
          E.CARRIER_UNKNOWN,
          `Known carriers: ${this.carrierNames().join(', ')}`,
          ['input', 'carrier'],
        );
      const weightGrams = input.parcels.reduce((s, p) => s + p.weightGrams, 0);
      const label = await carrier.purchaseLabel({
        reference: input.orderId,
        from: input.fromAddress,
        to: input.toAddress,
        parcels: input.parcels,
        weightGrams,
      });
      if (!label.ok)
        throw new DomainError(E.CARRIER_LABEL_FAILED, `${label.message} (${label.code})`, [
          'input',
          'toAddress',
        ]);
      const now = new Date();
      const shipment = await tx.getRepository(ShipmentRow).save(
        tx.getRepository(ShipmentRow).create({
          orderId: input.orderId,
          idempotencyKey: input.idempotencyKey,
          requestHash,
          carrier: carrier.name,
          methodId: input.methodId ?? null,
          trackingNumber: label.value.trackingNumber,
          status: 'LABEL_PURCHASED',
          fromAddress: input.fromAddress,
          toAddress: input.toAddress,
          parcels: input.parcels,
          weightGrams,
          createdAt: now,
          statusAt: now,
        }),
      );
      await tx
        .getRepository(LabelDocumentRow)
        .insert({ trackingNumber: shipment.trackingNumber, pdf: label.value.pdf });
      await tx.getRepository(TrackingEventRow).insert({
        shipmentId: shipment.id,
        eventId: `label:${shipment.trackingNumber}`,
        status: 'LABEL_PURCHASED',
        description: `Label purchased with ${carrier.name}`,
        occurredAt: now,
      });
      await this.announce(
        tx.query.bind(tx),
        shipment,
        'LABEL_PURCHASED',
        `label:${shipment.trackingNumber}`,
      );
      return shipment;
    });
  }

  async createReturnLabel(shipmentId: string, idempotencyKey: string): Promise<ReturnLabelRow> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`return:${idempotencyKey}`]);
      const existing = await tx.getRepository(ReturnLabelRow).findOneBy({ idempotencyKey });
      if (existing) {
        if (existing.shipmentId !== shipmentId)
          throw new DomainError(
            E.IDEMPOTENCY_KEY_REUSED,
            'This key was used for another shipment',
            ['idempotencyKey'],
          );
        return existing;
      }
      const shipment = await tx.getRepository(ShipmentRow).findOneBy({ id: shipmentId });
      if (!shipment) throw new DomainError(E.NOT_FOUND, 'No such shipment', ['shipmentId']);
      const carrier = this.carriers.get(shipment.carrier)!;
      const label = await carrier.purchaseReturnLabel({
        reference: shipment.orderId,
        from: shipment.fromAddress,
        to: shipment.toAddress,
        parcels: shipment.parcels,
        weightGrams: shipment.weightGrams,
      });
      if (!label.ok)
        throw new DomainError(E.CARRIER_LABEL_FAILED, `${label.message} (${label.code})`, [
          'shipmentId',
        ]);
      await tx
        .getRepository(LabelDocumentRow)
        .insert({ trackingNumber: label.value.trackingNumber, pdf: label.value.pdf });
      return tx.getRepository(ReturnLabelRow).save(
        tx.getRepository(ReturnLabelRow).create({
          shipmentId,
          idempotencyKey,
          trackingNumber: label.value.trackingNumber,
          createdAt: new Date(),
        }),
      );
    });
  }

  /** Records a carrier's tracking event once (by its id); the status only moves forward. */
  async applyTrackingEvent(
    carrier: string,
    event: {
      id: string;
      trackingNumber: string;
      status: ShipmentStatus;
      description: string;
      occurredAt: Date;
    },
    advance: (current: ShipmentStatus, incoming: ShipmentStatus) => ShipmentStatus | null,
  ): Promise<'APPLIED' | 'DUPLICATE' | 'RECORDED' | 'UNKNOWN_TRACKING_NUMBER'> {
    return this.dataSource.transaction(async (tx) => {
      const [shipment] = await tx.query(
        `SELECT id, order_id, status, tracking_number, carrier FROM shipping.shipment
         WHERE tracking_number = $1 AND carrier = $2 FOR UPDATE`,
        [event.trackingNumber, carrier],
      );
      if (!shipment) return 'UNKNOWN_TRACKING_NUMBER';
      const inserted = await tx.query(
        `INSERT INTO shipping.tracking_event (shipment_id, event_id, status, description, occurred_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING RETURNING id`,
        [shipment.id, `${carrier}:${event.id}`, event.status, event.description, event.occurredAt],
      );
      if (inserted.length === 0) return 'DUPLICATE';
      const next = advance(shipment.status, event.status);
      if (!next) return 'RECORDED';
      await tx.query(`UPDATE shipping.shipment SET status = $2, status_at = now() WHERE id = $1`, [
        shipment.id,
        next,
      ]);
      const row = {
        id: shipment.id,
        orderId: shipment.order_id,
        trackingNumber: shipment.tracking_number,
        carrier,
      };
      await this.announce(tx.query.bind(tx), row, next, event.id);
      return 'APPLIED';
    });
  }

  private async announce(
    query: (sql: string, params: unknown[]) => Promise<unknown>,
    shipment: { id: string; orderId: string; trackingNumber: string; carrier: string },
    status: ShipmentStatus,
    eventId: string,
  ): Promise<void> {
    const tx = { query } as never;
    await recordEvent(tx, SCHEMA, orderUpdatedTopic(shipment.orderId), {
      orderId: shipment.orderId,
      source: 'shipping',
      eventId: `shipping:${shipment.id}:${eventId}`,
    });
    const payload = {
      eventId: `shipping:${shipment.id}:${eventId}`,
      shipmentId: shipment.id,
      orderId: shipment.orderId,
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      status,
      occurredAt: new Date().toISOString(),
    };
    await recordEvent(tx, SCHEMA, SHIPMENT_STATUS_TOPIC, payload);
    if (status === 'DELIVERED') await recordEvent(tx, SCHEMA, SHIPMENT_DELIVERED_TOPIC, payload);
  }

  async labelPdf(trackingNumber: string): Promise<Buffer | null> {
    const row = await this.dataSource.getRepository(LabelDocumentRow).findOneBy({ trackingNumber });
    return row?.pdf ?? null;
  }

  /** A download path for a label, signed so that whoever was shown the shipment can fetch it. */
  labelPath(trackingNumber: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.config.SHIPPING_LABEL_URL_TTL_SECONDS;
    return `/labels/${encodeURIComponent(trackingNumber)}.pdf?expires=${expires}&sig=${this.labelSignature(trackingNumber, expires)}`;
  }

  verifyLabelLink(trackingNumber: string, expires: string, sig: string): boolean {
    if (!/^\d{1,12}$/.test(expires) || Number(expires) < Date.now() / 1000) return false;
    if (!/^[0-9a-f]{64}$/.test(sig)) return false;
    const expected = Buffer.from(this.labelSignature(trackingNumber, Number(expires)), 'hex');
    return timingSafeEqual(expected, Buffer.from(sig, 'hex'));
  }

  private labelSignature(trackingNumber: string, expires: number): string {
    return createHmac('sha256', this.config.SHIPPING_LABEL_URL_SECRET)
      .update(`${trackingNumber}.${expires}`)
      .digest('hex');
  }
}

function hashOf(input: ShipmentInput): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}
