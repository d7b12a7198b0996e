import type { Locale } from './locale';

/** The emails notifications sends, one per event it mails about. */
export const TEMPLATES = [
  'ORDER_CONFIRMED',
  'ORDER_SHIPPED',
  'ORDER_DELIVERED',
  'RETURN_RECEIVED',
] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** What a template may say: plain values from the event and the order's contact. */
export interface TemplateData {
  name: string;
  orderNumber: string;
  orderUrl: string;
  /** ORDER_CONFIRMED: the lines as "2 × SKU". */
  lines?: { sku: string; quantity: number }[];
  /** RETURN_RECEIVED: items received back. */
  itemCount?: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Copy = { subject: string; greeting: string; body: string; closing: string; linkLabel: string };

const COPY: Record<TemplateName, Record<Locale, (d: TemplateData) => Copy>> = {
  ORDER_CONFIRMED: {
    en: (d) => ({
      subject: `Your order ${d.orderNumber} is confirmed`,
      greeting: `Hello ${d.name},`,
      body: `thank you for your order. We have received your payment and are preparing it for shipping.`,
      closing: 'Your shop',
      linkLabel: 'View your order',
    }),
    de: (d) => ({
      subject: `Ihre Bestellung ${d.orderNumber} ist bestätigt`,
      greeting: `Hallo ${d.name},`,
      body: `vielen Dank für Ihre Bestellung. Ihre Zahlung ist eingegangen, wir bereiten den Versand vor.`,
      closing: 'Ihr Shop',
      linkLabel: 'Bestellung ansehen',
    }),
    fr: (d) => ({
      subject: `Votre commande ${d.orderNumber} est confirmée`,
      greeting: `Bonjour ${d.name},`,
      body: `merci pour votre commande. Nous avons reçu votre paiement et préparons l'expédition.`,
      closing: 'Votre boutique',
      linkLabel: 'Voir votre commande',
    }),
  },
  ORDER_SHIPPED: {
    en: (d) => ({
      subject: `Your order ${d.orderNumber} is on its way`,
      greeting: `Hello ${d.name},`,
      body: 'every item of your order has left our warehouse.',
      closing: 'Your shop',
      linkLabel: 'Track your order',
    }),
    de: (d) => ({
      subject: `Ihre Bestellung ${d.orderNumber} ist unterwegs`,
      greeting: `Hallo ${d.name},`,
      body: 'alle Artikel Ihrer Bestellung haben unser Lager verlassen.',
      closing: 'Ihr Shop',
      linkLabel: 'Sendung verfolgen',
    }),
    fr: (d) => ({
      subject: `Votre commande ${d.orderNumber} est en route`,
      greeting: `Bonjour ${d.name},`,
      body: 'tous les articles de votre commande ont quitté notre entrepôt.',
      closing: 'Votre boutique',
      linkLabel: 'Suivre votre commande',
    }),
  },
  ORDER_DELIVERED: {
    en: (d) => ({
      subject: `Your order ${d.orderNumber} was delivered`,
      greeting: `Hello ${d.name},`,
      body: 'your order has arrived. We hope you enjoy it, and would love to read your review.',
      closing: 'Your shop',
      linkLabel: 'Review your purchase',
    }),
    de: (d) => ({
      subject: `Ihre Bestellung ${d.orderNumber} wurde zugestellt`,
      greeting: `Hallo ${d.name},`,
      body: 'Ihre Bestellung ist angekommen. Wir freuen uns über Ihre Bewertung.',
      closing: 'Ihr Shop',
      linkLabel: 'Jetzt bewerten',
    }),
    fr: (d) => ({
      subject: `Votre commande ${d.orderNumber} a été livrée`,
      greeting: `Bonjour ${d.name},`,
      body: 'votre commande est arrivée. Votre avis nous intéresse.',
      closing: 'Votre boutique',
      linkLabel: 'Donner votre avis',
    }),
  },
  RETURN_RECEIVED: {
    en: (d) => ({
      subject: `We received your return for order ${d.orderNumber}`,
      greeting: `Hello ${d.name},`,
      body: `we received ${d.itemCount ?? 0} item(s) back. Your refund or exchange follows shortly.`,
      closing: 'Your shop',
      linkLabel: 'View your order',
    }),
    de: (d) => ({
      subject: `Ihre Rücksendung zu Bestellung ${d.orderNumber} ist eingegangen`,
      greeting: `Hallo ${d.name},`,
      body: `wir haben ${d.itemCount ?? 0} Artikel zurückerhalten. Erstattung oder Umtausch folgen in Kürze.`,
      closing: 'Ihr Shop',
      linkLabel: 'Bestellung ansehen',
    }),
    fr: (d) => ({
      subject: `Nous avons reçu votre retour pour la commande ${d.orderNumber}`,
      greeting: `Bonjour ${d.name},`,
      body: `nous avons reçu ${d.itemCount ?? 0} article(s). Le remboursement ou l'échange suit sous peu.`,
      closing: 'Votre boutique',
      linkLabel: 'Voir votre commande',
    }),
  },
};

/** Escapes text for HTML: names and SKUs come from buyers and staff. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One email in one language, as plain text and as HTML saying the same. Pure. */
export function render(template: TemplateName, locale: Locale, data: TemplateData): RenderedEmail {
  const copy = COPY[template][locale](data);
  const lines = (data.lines ?? []).map((l) => `${l.quantity} × ${l.sku}`);
  const text = [
    copy.greeting,
    '',
    copy.body,
    ...(lines.length ? ['', ...lines.map((l) => `  ${l}`)] : []),
    '',
    `${copy.linkLabel}: ${data.orderUrl}`,
    '',
    copy.closing,
    '',
  ].join('\n');
  const list = lines.length
    ? `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`
    : '';
  const html =
    `<!doctype html><html lang="${locale}"><body>` +
    `<p>${escapeHtml(copy.greeting)}</p><p>${escapeHtml(copy.body)}</p>${list}` +
    `<p><a href="${escapeHtml(data.orderUrl)}">${escapeHtml(copy.linkLabel)}</a></p>` +
    `<p>${escapeHtml(copy.closing)}</p></body></html>`;
  // A subject is a header: never let a name break it into two.
  return { subject: copy.subject.replace(/[\r\n]+/g, ' '), text, html };
}
