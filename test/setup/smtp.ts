import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId?: string;
  parsed: ParsedMail;
}

/** A real SMTP server in the test process; every message is parsed and kept. */
export class TestSmtpServer {
  readonly mails: CapturedMail[] = [];
  private server?: SMTPServer;
  port = 0;
  /** When set, the server refuses messages (to test retries). */
  failing = false;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        if (this.failing) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream).then((parsed) => {
          const to = ([] as Array<{ value: Array<{ address?: string }> }>)
            .concat((parsed.to as never) ?? [])
            .flatMap((a) => a.value.map((v) => v.address ?? ''));
          this.mails.push({
            to,
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId,
            parsed,
          });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server as unknown as { server: { address(): { port: number } } }).server.address().port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): CapturedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The first link in a mail's text that contains `fragment`. */
export function linkIn(mail: CapturedMail, fragment: string): string {
  const match = mail.text.match(new RegExp(`https?://\\S*${fragment.replace(/[/]/g, '\\/')}\\S*`));
  if (!match) throw new Error(`no link with ${fragment} in: ${mail.text}`);
  return match[0].replace(/[).,]+$/, '');
}
