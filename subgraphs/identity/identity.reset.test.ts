import { dataOf } from '../../platform/testing/graphql-client';
import { devMailbox } from './domain/mailer';
import {
  auditEvents as auditOf,
  codes,
  freshIp,
  type IdentityHarness,
  login,
  mailedToken,
  REFRESH,
  startIdentity,
  verifiedCustomer,
} from './test-support/harness';

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity_reset');
});

afterAll(async () => {
  await h?.stop();
});

const auditEvents = (filter: string, params: unknown[] = []) => auditOf(h, filter, params);

describe('password reset', () => {
  it('answers the same for unknown emails, resets with the mailed token once, and ends every session', async () => {
    const customer = await verifiedCustomer(h, 'reset@shop.test');
    const session = await login(h, customer.email, customer.password, { ip: freshIp() });
    const request = `mutation ($email: String!) { passwordResetRequest(email: $email) { ok userErrors { code } } }`;
    expect(
      dataOf(await h.gql(request, { email: 'nobody@shop.test' })).passwordResetRequest,
    ).toEqual({ ok: true, userErrors: [] });

    const before = devMailbox.messagesTo(customer.email).length;
    expect(dataOf(await h.gql(request, { email: 'RESET@shop.test' })).passwordResetRequest).toEqual(
      { ok: true, userErrors: [] },
    );
    const token = await mailedToken(customer.email, before);
    expect(devMailbox.messagesTo('nobody@shop.test')).toEqual([]);

    const reset = `mutation ($token: String!, $password: String!) { passwordReset(token: $token, newPassword: $password) { ok userErrors { field code } } }`;
    expect(
      dataOf(await h.gql(reset, { token, password: 'short' })).passwordReset.userErrors,
    ).toEqual([{ field: ['newPassword'], code: 'PASSWORD_TOO_SHORT' }]);
    expect(
      dataOf(await h.gql(reset, { token, password: 'a brand new passphrase' })).passwordReset,
    ).toEqual({ ok: true, userErrors: [] });
    expect(
      codes(
        dataOf(await h.gql(reset, { token, password: 'another new passphrase' })).passwordReset,
      ),
    ).toEqual(['INVALID_TOKEN']);

    expect(codes(await login(h, customer.email, customer.password, { ip: freshIp() }))).toEqual([
      'INVALID_CREDENTIALS',
    ]);
    expect(
      (await login(h, customer.email, 'a brand new passphrase', { ip: freshIp() })).userErrors,
    ).toEqual([]);
    expect(
      codes(dataOf(await h.gql(REFRESH, { refreshToken: session.refreshToken })).refresh),
    ).toEqual(['INVALID_REFRESH_TOKEN']);
    const events = (await auditEvents(`subject_id = $1`, [customer.id])).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });
});
