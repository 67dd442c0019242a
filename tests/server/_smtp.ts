/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 for tests: every message it accepts is
 * kept; `next()` waits for the next one. Bodies are decoded from quoted-printable, as nodemailer sends them.
 */
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The body with quoted-printable soft breaks and escapes undone. */
  text: string;
}

export async function startSmtp() {
  const inbox: ReceivedMail[] = [];
  const waiting: ((m: ReceivedMail) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: raw
            .replace(/=\r?\n/g, "")
            .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        };
        const w = waiting.shift();
        if (w) w(mail);
        else inbox.push(mail);
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** The next message (one already received, or the next to arrive). */
    next(): Promise<ReceivedMail> {
      const m = inbox.shift();
      return m ? Promise.resolve(m) : new Promise((r) => waiting.push(r));
    },
    /** Messages received and not yet taken. */
    get pending() {
      return inbox.length;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
