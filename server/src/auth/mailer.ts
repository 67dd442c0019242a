/**
 * Sending mail (magic links, invitations) through SMTP with nodemailer: `[auth.smtp] url`
 * (`smtp://host:port`, `smtps://user:pass@host`) and `from`.
 * @example
 * const mailer = createSmtpMailer({ url: "smtp://127.0.0.1:2525", from: "Loom <loom@example.com>" });
 * await mailer.send({ to: "ada@example.com", subject: "Sign in", text: "…" });
 */
import { createTransport } from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createSmtpMailer(o: { url: string; from: string }): Mailer {
  const transport = createTransport(o.url);
  return {
    async send(mail) {
      await transport.sendMail({ from: o.from, ...mail });
    },
  };
}
