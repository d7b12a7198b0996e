import { createHmac } from 'node:crypto';
import { newWebhookSecret, verifyWebhook, webhookHeaders } from './webhook-signature';

describe('Standard Webhooks signatures', () => {
  const secret = newWebhookSecret();
  const body = '{"data":{"order":{"number":1}}}';
  const at = new Date('2026-12-03T08:00:00Z');

  it('signs base64 HMAC-SHA256 of "id.timestamp.body" with the decoded secret', () => {
    const headers = webhookHeaders(secret, 'msg_1', body, at);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`msg_1.${1796284800}.${body}`).digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1796284800',
      'webhook-signature': `v1,${mac}`,
    });
  });

  it('verifies its own signature and refuses a changed body, another secret or an old timestamp', () => {
    const headers = webhookHeaders(secret, 'msg_1', body, at);
    expect(verifyWebhook(secret, headers, body, { now: at })).toBe(true);
    expect(verifyWebhook(secret, headers, body + ' ', { now: at })).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, { now: at })).toBe(false);
    const later = new Date(at.getTime() + 600_000);
    expect(verifyWebhook(secret, headers, body, { now: later })).toBe(false);
  });
});
