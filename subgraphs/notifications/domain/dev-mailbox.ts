import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../../../platform/logging';
import { readMail } from './mime';

const log = createLogger('notifications');

/** A mail the dev mailbox received, decoded. */
export interface ReceivedMail {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
  deliveryId: string | null;
  receivedAt: Date;
  /** The .eml file it was written to, when the mailbox writes files. */
  file: string | null;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives: the mail
 * server of `npm start` when SMTP_URL is unset, so the platform sends through real SMTP in
 * development too, and the one tests start and stop on a port of their own to play an
 * outage. Mails stay in memory (staff read them with `devMailbox`) and, with `dir`, also
 * as .eml files a mail client opens.
 */
export class DevMailbox {
  private readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private nextId = 1;
  port = 0;

  constructor(private readonly dir: string | null = null) {}

  /** Listens on `port` (0: any free one) and resolves with the port taken. */
  async start(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 5 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.keep(from, to, Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    server.on('error', (error) => log.warn('dev mailbox error', { error: error.message }));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Stops listening and drops open connections (a test's "SMTP server down"). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  messages(recipient?: string | null): ReceivedMail[] {
    const to = recipient?.toLowerCase();
    return this.mails.filter((m) => !to || m.to.includes(to));
  }

  private keep(from: string, to: string[], raw: string): void {
    const read = readMail(raw);
    const id = this.nextId++;
    let file: string | null = null;
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      file = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      writeFileSync(file, raw);
    }
    this.mails.push({
      id,
      from,
      to,
      subject: read.subject,
      text: read.text,
      html: read.html,
      raw,
      deliveryId: read.headers['x-delivery-id'] ?? null,
      receivedAt: new Date(),
      file,
    });
    log.info('dev mailbox received', { to, subject: read.subject, ...(file ? { file } : {}) });
  }
}
