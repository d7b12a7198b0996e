import net from 'node:net';
import tls from 'node:tls';
import { hostname } from 'node:os';
import { createLogger } from '../../../platform/logging';
import type { IdentityConfig } from '../config';

const log = createLogger('identity');

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where emails leave the platform. Identity renders them; a Mailer only transports them. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

export interface DeliveredEmail extends EmailMessage {
  sentAt: Date;
}

/**
 * Keeps emails in memory instead of sending them: the default outside production, and
 * what tests read their verification and reset tokens from.
 */
export class DevMailbox implements Mailer {
  /** Logs each delivery (DEV_MAILBOX_LOG), for following sign-up links by hand in development. */
  logDeliveries = false;
  private readonly messages: DeliveredEmail[] = [];
  private readonly waiters: { to: string; resolve: (m: DeliveredEmail) => void }[] = [];

  async send(message: EmailMessage): Promise<void> {
    const delivered = { ...message, to: message.to.toLowerCase(), sentAt: new Date() };
    this.messages.push(delivered);
    for (const waiter of this.waiters.filter((w) => w.to === delivered.to)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(delivered);
    }
    if (this.logDeliveries)
      log.info('dev mailbox', { to: delivered.to, subject: delivered.subject });
  }

  messagesTo(email: string): DeliveredEmail[] {
    return this.messages.filter((m) => m.to === email.toLowerCase());
  }

  /**
   * The next message to `email` after the `already` messages it has now (default: the
   * ones there when called), waiting for delivery (it follows the commit asynchronously).
   */
  nextMessageTo(
    email: string,
    timeoutMs = 10_000,
    already = this.messagesTo(email).length,
  ): Promise<DeliveredEmail> {
    const to = email.toLowerCase();
    const present = this.messagesTo(to)[already];
    if (present) return Promise.resolve(present);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no email to ${to} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        to,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  clear(): void {
    this.messages.length = 0;
  }
}

/** The one in-memory mailbox of this process (several subgraph instances in a test share it). */
export const devMailbox = new DevMailbox();

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465). STARTTLS is not implemented: use 465 or a local relay. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  timeoutMs?: number;
}

/**
 * A minimal SMTP client (RFC 5321) on node:net / node:tls: EHLO, AUTH PLAIN when a user
 * is configured, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. Enough for a relay
 * such as Postfix, Mailpit or a provider's SMTP endpoint on port 465; one connection per
 * message. It is the adapter shell a production deployment replaces with its provider's API
 * client when it needs retries, bounces or templates; the `Mailer` interface stays.
 */
export class SmtpMailer implements Mailer {
  constructor(readonly settings: SmtpSettings) {}

  async send(message: EmailMessage): Promise<void> {
    const socket = await this.connect();
    const session = new SmtpSession(socket, this.settings.timeoutMs ?? 15_000);
    try {
      await session.expect(220);
      await session.command(`EHLO ${hostname() || 'localhost'}`, 250);
      if (this.settings.user) {
        const credentials = Buffer.from(
          `\0${this.settings.user}\0${this.settings.password ?? ''}`,
        ).toString('base64');
        await session.command(`AUTH PLAIN ${credentials}`, 235);
      }
      await session.command(`MAIL FROM:<${address(this.settings.from)}>`, 250);
      await session.command(`RCPT TO:<${address(message.to)}>`, [250, 251]);
      await session.command('DATA', 354);
      await session.command(`${formatMessage(this.settings.from, message)}\r\n.`, 250);
      await session.command('QUIT', 221).catch(() => {});
    } finally {
      socket.destroy();
    }
  }

  private connect(): Promise<net.Socket> {
    const { host, port, secure } = this.settings;
    return new Promise((resolve, reject) => {
      const socket = secure
        ? tls.connect({ host, port, servername: host }, () => resolve(socket))
        : net.connect({ host, port }, () => resolve(socket));
      socket.once('error', reject);
    });
  }
}

/** Reads SMTP replies (possibly multi-line: `250-...` then `250 ...`) one at a time. */
class SmtpSession {
  private buffer = '';
  private readonly replies: string[][] = [];
  private current: string[] = [];
  private waiter: { resolve: (lines: string[]) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('SMTP connection closed')));
  }

  async command(line: string, expected: number | number[]): Promise<string[]> {
    this.socket.write(`${line}\r\n`);
    return this.expect(expected);
  }

  async expect(expected: number | number[]): Promise<string[]> {
    const lines = await this.next();
    const code = Number(lines[0]?.slice(0, 3));
    if (!(Array.isArray(expected) ? expected : [expected]).includes(code)) {
      throw new Error(`SMTP server answered ${lines.join(' / ')}`);
    }
    return lines;
  }

  private next(): Promise<string[]> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('SMTP server did not answer in time')),
        this.timeoutMs,
      );
      this.waiter = {
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let index: number;
    while ((index = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, index);
      this.buffer = this.buffer.slice(index + 2);
      this.current.push(line);
      if (line[3] !== '-') {
        const reply = this.current;
        this.current = [];
        if (this.waiter) {
          const waiter = this.waiter;
          this.waiter = null;
          waiter.resolve(reply);
        } else {
          this.replies.push(reply);
        }
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}

/** Refuses addresses that could inject SMTP commands or headers. */
function address(value: string): string {
  if (/[\r\n<>]/.test(value)) throw new Error('Invalid email address');
  return value;
}

function header(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export function formatMessage(from: string, message: EmailMessage): string {
  const body = message.text
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
  return [
    `From: ${header(from)}`,
    `To: ${header(message.to)}`,
    `Subject: ${header(message.subject)}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}

/** SMTP when SMTP_HOST is set, the in-memory dev mailbox otherwise. */
export function mailerFrom(config: IdentityConfig): Mailer {
  devMailbox.logDeliveries = config.DEV_MAILBOX_LOG;
  if (!config.SMTP_HOST) {
    if (config.NODE_ENV === 'production')
      log.warn('SMTP_HOST is not set: emails stay in the dev mailbox');
    return devMailbox;
  }
  return new SmtpMailer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE === 'true' || config.SMTP_PORT === 465,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.MAIL_FROM,
  });
}
