import { afterFailure } from '../../../platform/backoff';
import { localeFor } from './locale';
import { readMail } from './mime';
import { render, TEMPLATES } from './templates';

const data = {
  name: 'Ada <script>',
  orderNumber: '#1042',
  orderUrl: 'https://shop.example/orders/abc',
  lines: [{ sku: 'TEE-M', quantity: 2 }],
};

describe('templates', () => {
  it.each(TEMPLATES)('%s has a text and an HTML body in every language', (template) => {
    const subjects = new Set<string>();
    for (const locale of ['en', 'de', 'fr'] as const) {
      const email = render(template, locale, data);
      expect(email.subject).toContain('#1042');
      expect(email.text).toContain('https://shop.example/orders/abc');
      expect(email.html).toContain(`lang="${locale}"`);
      expect(email.html).toContain('href="https://shop.example/orders/abc"');
      subjects.add(email.subject);
    }
    expect(subjects.size).toBe(3);
  });

  it('escapes what buyers typed in the HTML and keeps it in the text', () => {
    const email = render('ORDER_CONFIRMED', 'en', data);
    expect(email.html).toContain('Ada &lt;script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Hello Ada <script>,');
    expect(email.text).toContain('2 × TEE-M');
  });

  it('keeps a subject on one line', () => {
    const email = render('ORDER_SHIPPED', 'en', { ...data, orderNumber: '#1\r\nBcc: x@y' });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('locale', () => {
  it('takes an explicit locale, then the destination country, then the default', () => {
    expect(localeFor({ locale: 'fr-CA', country: 'DE' }, 'en')).toBe('fr');
    expect(localeFor({ locale: 'ja', country: 'AT' }, 'en')).toBe('de');
    expect(localeFor({ country: 'be' }, 'en')).toBe('fr');
    expect(localeFor({ country: 'US' }, 'de')).toBe('de');
    expect(localeFor({}, 'en')).toBe('en');
  });
});

describe('backoff', () => {
  const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 5000 };
  it('doubles each wait up to the cap and gives up at the last attempt', () => {
    expect([1, 2, 3, 4].map((n) => afterFailure(n, policy))).toEqual([
      { dead: false, delayMs: 1000 },
      { dead: false, delayMs: 2000 },
      { dead: false, delayMs: 4000 },
      { dead: false, delayMs: 5000 },
    ]);
    expect(afterFailure(5, policy)).toEqual({ dead: true });
  });
});

describe('dev mailbox MIME reading', () => {
  it('decodes encoded subjects and quoted-printable parts', () => {
    const raw = [
      'Subject: =?UTF-8?Q?Ihre_Bestellung_ist_best=C3=A4tigt?=',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, eine sehr lange Zeile =',
      'geht weiter',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>Grüße</p>').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const mail = readMail(raw);
    expect(mail.subject).toBe('Ihre Bestellung ist bestätigt');
    expect(mail.text.trim()).toBe('Grüße, eine sehr lange Zeile geht weiter');
    expect(mail.html).toBe('<p>Grüße</p>');
  });
});
