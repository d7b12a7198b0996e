import nodemailer, { type Transporter } from 'nodemailer';

/** One rendered email for one recipient. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our delivery id, sent as a header so a mail in a mailbox can be traced back. */
  deliveryId: string;
}

/** Where emails leave the platform; the queue decides when, a Mailer only transports. */
export interface Mailer {
  /** Resolves with the server's message id once the SMTP server accepted the mail; throws otherwise. */
  send(email: OutgoingEmail): Promise<string>;
  close(): void;
}

export interface SmtpSettings {
  /** smtp://user:pass@host:port (STARTTLS when the server offers it) or smtps:// (implicit TLS). */
  url: string;
  from: string;
  timeoutMs: number;
}

/**
 * SMTP through nodemailer: one connection per message (no pool), so a server that went away
 * costs one failed attempt and the next attempt connects afresh.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    const url = new URL(settings.url);
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      // A local relay or the dev mailbox offers no certificate worth checking; a real host does.
      tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(url.hostname) },
    });
  }

  async send(email: OutgoingEmail): Promise<string> {
    const info = await this.transport.sendMail({
      from: this.settings.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      headers: { 'X-Delivery-Id': email.deliveryId },
    });
    return String(info.messageId);
  }

  close(): void {
    this.transport.close();
  }
}
