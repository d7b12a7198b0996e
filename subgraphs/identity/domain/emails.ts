import type { PubSubEngine } from 'graphql-subscriptions';
import type { DataSource, EntityManager } from 'typeorm';
import { recordEvent } from '../../../platform/outbox';
import type { EmailMessage, Mailer } from './mailer';
import { firstRow } from './sql';
import { createLogger } from '../../../platform/logging';

const log = createLogger('identity');

/** The topic notifications will consume; identity delivers it itself until then. */
export const EMAIL_TOPIC = 'notifications.email';

export interface EmailEvent extends EmailMessage {
  /** Which email this is, for a notifications service that renders its own templates. */
  template: 'identity.verify_email' | 'identity.password_reset' | 'identity.registration_attempt';
  variables: Record<string, string>;
  eventId?: string;
}

const base = (storefrontUrl: string) => storefrontUrl.replace(/\/$/, '');

export function verificationEmail(
  storefrontUrl: string,
  to: string,
  firstName: string,
  token: string,
): EmailEvent {
  const url = `${base(storefrontUrl)}/account/verify-email?token=${encodeURIComponent(token)}`;
  return {
    to,
    template: 'identity.verify_email',
    variables: { firstName, url, token },
    subject: 'Confirm your email address',
    text: `Hello ${firstName},\n\nplease confirm your email address by opening this link:\n${url}\n\nThe link is valid for 24 hours.\n`,
  };
}

export function passwordResetEmail(
  storefrontUrl: string,
  to: string,
  firstName: string,
  token: string,
): EmailEvent {
  const url = `${base(storefrontUrl)}/account/reset-password?token=${encodeURIComponent(token)}`;
  return {
    to,
    template: 'identity.password_reset',
    variables: { firstName, url, token },
    subject: 'Reset your password',
    text: `Hello ${firstName},\n\nsomeone asked to reset the password of your account. If it was you, open:\n${url}\n\nThe link is valid for 30 minutes. If it was not you, ignore this email.\n`,
  };
}

/**
 * To the owner of an address someone tried to register again: the registration answers
 * as if it worked (it must not tell whether the address has an account), and the owner
 * learns of it here, with a way in if it was them.
 */
export function registrationAttemptEmail(
  storefrontUrl: string,
  to: string,
  firstName: string,
): EmailEvent {
  const url = `${base(storefrontUrl)}/account/forgot-password`;
  return {
    to,
    template: 'identity.registration_attempt',
    variables: { firstName, url },
    subject: 'Someone tried to register with your address',
    text: `Hello ${firstName},\n\nsomeone tried to create an account with this email address, which already has one. If it was you, sign in, or reset your password here:\n${url}\n\nIf it was not you, ignore this email: nothing has changed.\n`,
  };
}

/** Writes the email into the outbox, in the transaction that created its token. */
export function queueEmail(tx: EntityManager, email: EmailEvent): Promise<void> {
  return recordEvent(tx, 'identity', EMAIL_TOPIC, email);
}

/**
 * The delivery step: hands each email the outbox relay publishes to the mailer. Several
 * identity instances may hear the same event (Redis fans it out): the one that records
 * its event id first sends it. A failed send forgets the id and is logged; the outbox
 * relay delivers at least once, not with retries, so that is where a notifications
 * service with a retry queue takes over. Turn this off with IDENTITY_EMAIL_DELIVERY=off
 * once notifications consumes the topic.
 */
export function startEmailDelivery(
  pubsub: PubSubEngine,
  db: DataSource,
  mailer: Mailer,
  enabled = true,
): () => void {
  if (!enabled) return () => {};
  let stopped = false;
  const deliver = async (event: EmailEvent): Promise<void> => {
    if (stopped) return;
    const eventId = event.eventId ?? null;
    if (eventId) {
      const claimed = await firstRow(
        db,
        `INSERT INTO identity.email_delivery (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`,
        [eventId],
      );
      if (!claimed) return;
    }
    try {
      await mailer.send({ to: event.to, subject: event.subject, text: event.text });
    } catch (error) {
      log.error('email could not be sent', {
        template: event.template,
        error: (error as Error).message,
      });
      if (eventId)
        await db.query(`DELETE FROM identity.email_delivery WHERE event_id = $1`, [eventId]);
    }
  };
  const subscription = pubsub.subscribe(
    EMAIL_TOPIC,
    (event: EmailEvent) => {
      deliver(event).catch((error) =>
        log.error('email delivery failed', { error: (error as Error).message }),
      );
    },
    {},
  );
  return () => {
    stopped = true;
    void subscription.then((id) => pubsub.unsubscribe(id)).catch(() => {});
  };
}
