import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DevMailbox, SmtpMailer } from './mailer';

describe('DevMailbox', () => {
  it('keeps messages per recipient and hands out the next one when it arrives', async () => {
    const mailbox = new DevMailbox();
    const waiting = mailbox.nextMessageTo('Ada@Shop.test');
    await mailbox.send({ to: 'ada@shop.test', subject: 'Hello', text: 'body' });
    await expect(waiting).resolves.toMatchObject({ subject: 'Hello' });
    expect(mailbox.messagesTo('ADA@shop.test')).toHaveLength(1);
    expect(mailbox.messagesTo('other@shop.test')).toEqual([]);
  });
});

/** A tiny SMTP server that accepts one message and records the conversation. */
async function fakeSmtpServer() {
  const received: { commands: string[]; data: string } = { commands: [], data: '' };
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 fake.smtp ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const index = buffer.indexOf('\r\n');
        if (index < 0) return;
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        received.commands.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write('250-fake.smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') socket.write('235 2.7.0 accepted\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 2.1.0 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('502 unknown\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, port: (server.address() as AddressInfo).port };
}

describe('SmtpMailer', () => {
  it('speaks enough SMTP to hand a message to a relay, with AUTH PLAIN and dot-stuffing', async () => {
    const { server, received, port } = await fakeSmtpServer();
    try {
      const mailer = new SmtpMailer({
        host: '127.0.0.1',
        port,
        secure: false,
        user: 'shop',
        password: 'pw',
        from: 'no-reply@shop.test',
      });
      await mailer.send({
        to: 'ada@shop.test',
        subject: 'Reset\r\nBcc: evil@x',
        text: 'line one\n.leading dot\nend',
      });
      expect(received.commands[0]).toMatch(/^EHLO /);
      expect(received.commands).toContain(
        `AUTH PLAIN ${Buffer.from('\0shop\0pw').toString('base64')}`,
      );
      expect(received.commands).toContain('MAIL FROM:<no-reply@shop.test>');
      expect(received.commands).toContain('RCPT TO:<ada@shop.test>');
      expect(received.data).toContain('Subject: Reset Bcc: evil@x\r\n');
      expect(received.data).not.toMatch(/^Bcc:/m);
      expect(received.data).toContain('\r\n\r\nline one\r\n..leading dot\r\nend');
    } finally {
      server.close();
    }
  });

  it('fails when the server refuses', async () => {
    const server = net.createServer((socket) => socket.end('554 no service\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const mailer = new SmtpMailer({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        secure: false,
        from: 'a@b.co',
      });
      await expect(mailer.send({ to: 'x@y.co', subject: 's', text: 't' })).rejects.toThrow(/554/);
    } finally {
      server.close();
    }
  });
});
