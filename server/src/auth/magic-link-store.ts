/**
 * Magic sign-in links: the token `lml_<32 random bytes>` goes out in the mail, only its sha256 is
 * stored; it works once, for 10 minutes.
 */
import { normaliseEmail } from "../accounts/users.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { hashToken } from "./tokens.ts";

export const MAGIC_LINK_TTL_MS = 10 * 60 * 1000;

export function createMagicLinkStore(db: SqlRunner, clock: () => Date) {
  return {
    /** A new link token for `email` (returned once). */
    async create(email: string): Promise<string> {
      const now = clock();
      const token = `lml_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
      await db.batch([
        [
          "DELETE FROM magic_links WHERE expires_at < ?",
          [new Date(now.getTime() - 86_400_000).toISOString()],
        ],
        [
          "INSERT INTO magic_links (id, hash, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
          [
            `mgl_${Bun.randomUUIDv7()}`,
            hashToken(token),
            normaliseEmail(email),
            now.toISOString(),
            new Date(now.getTime() + MAGIC_LINK_TTL_MS).toISOString(),
          ],
        ],
      ]);
      return token;
    },
    /** The address a live, unused link was sent to, marking it used; else why not. */
    async consume(token: string): Promise<{ email: string } | { error: "unknown" | "used" | "expired" }> {
      const row = await db.get<{ id: string; email: string; expiresAt: string; usedAt: string | null }>(
        `SELECT id, email, expires_at AS "expiresAt", used_at AS "usedAt" FROM magic_links WHERE hash = ?`,
        [hashToken(token)],
      );
      const now = clock().toISOString();
      if (!row) return { error: "unknown" };
      if (row.usedAt) return { error: "used" };
      if (row.expiresAt <= now) return { error: "expired" };
      const n = await db.run("UPDATE magic_links SET used_at = ? WHERE id = ? AND used_at IS NULL", [
        now,
        row.id,
      ]);
      return n === 1 ? { email: row.email } : { error: "used" };
    },
  };
}

export type MagicLinkStore = ReturnType<typeof createMagicLinkStore>;
