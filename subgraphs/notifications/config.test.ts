import { ConfigError } from '../../platform/config';
import { loadNotificationsConfig } from './config';

describe('notifications settings', () => {
  it('takes an smtp:// or smtps:// URL and defaults to the dev mailbox without one', () => {
    expect(loadNotificationsConfig({ SMTP_URL: 'smtps://u:p@mail.example:465' }).SMTP_URL).toBe(
      'smtps://u:p@mail.example:465',
    );
    expect(loadNotificationsConfig({}).SMTP_URL).toBeUndefined();
  });

  it('stops on a URL of another scheme, a non-URL and bad numbers, naming each', () => {
    expect(() => loadNotificationsConfig({ SMTP_URL: 'http://mail.example' })).toThrow(
      'SMTP_URL="http://mail.example": expected smtp:// or smtps://',
    );
    try {
      loadNotificationsConfig({ SMTP_URL: 'mail.example', NOTIFICATIONS_MAX_ATTEMPTS: '0' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^SMTP_URL="mail.example": expected a URL/),
        expect.stringMatching(/^NOTIFICATIONS_MAX_ATTEMPTS="0"/),
      ]);
    }
  });
});
