import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface MailEnvelope {
  id: string;
  from: string;
  sender: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** A bulk e-mail's one-click unsubscribe URL (RFC 8058): List-Unsubscribe and List-Unsubscribe-Post. */
  unsubscribeUrl?: string;
  /** An iCalendar invitation (iTIP): sent as a text/calendar part with its METHOD, which mail clients offer to add. */
  calendar?: { method: string; content: string };
}

export interface MailTransport {
  send(mail: MailEnvelope): Promise<void>;
  close(): void;
}

/** SMTP when SMTP_URL is set; otherwise each message becomes an .eml file under DATA_DIR/outbox. */
export function createMailTransport(smtpUrl: string | undefined, dataDir: string, log: (m: string) => void): MailTransport {
  if (smtpUrl) {
    const transporter = nodemailer.createTransport(smtpUrl);
    return {
      async send(mail) {
        await transporter.sendMail(toMessage(mail));
      },
      close: () => transporter.close(),
    };
  }
  const dir = join(dataDir, 'outbox');
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transporter.sendMail(toMessage(mail));
      mkdirSync(dir, { recursive: true });
      // Named by outbox id: a retried send overwrites the same file rather than adding one.
      const file = join(dir, `${mail.id}.eml`);
      writeFileSync(file, info.message as Buffer);
      log(`e-mail "${mail.subject}" to ${mail.to} written to ${file}`);
    },
    close: () => undefined,
  };
}

function toMessage(mail: MailEnvelope) {
  return {
    from: mail.from,
    sender: mail.sender,
    envelope: { from: mail.sender, to: mail.to },
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    // Stable per outbox row, so a receiver can drop a copy re-sent after a crash mid-send.
    messageId: `<${mail.id}@tremplin.outbox>`,
    // nodemailer writes `List-Unsubscribe: <url>`; the POST header says a mail client may unsubscribe in one click.
    ...(mail.unsubscribeUrl
      ? { list: { unsubscribe: mail.unsubscribeUrl }, headers: { ...mail.headers, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }
      : { headers: mail.headers }),
    ...(mail.calendar ? { icalEvent: { method: mail.calendar.method, filename: 'invitation.ics', content: mail.calendar.content } } : {}),
  };
}
