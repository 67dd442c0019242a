/**
 * Thread share links: a 48-hex token (24 random bytes) that lets anyone holding it read one thread,
 * without signing in. Stored as sha256 (the token is answered once, to its creator); read-only;
 * optional expiry; revocable. A link stops working when its thread is deleted or its creator no
 * longer owns the thread (the route checks the owner's Share right on each use).
 */
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export const SHARE_TOKEN = /^[0-9a-f]{48}$/;

export interface ShareLinkInfo {
  id: string;
  threadId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const COLS = `id, thread_id AS "threadId", created_by AS "createdBy", created_at AS "createdAt",
  expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

export function createShareLinkStore(db: SqlRunner, clock: () => Date) {
  return {
    async create(o: { threadId: string; createdBy: string; expiresAt?: string | null }) {
      const token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
      const info: ShareLinkInfo = {
        id: `shl_${Bun.randomUUIDv7()}`,
        threadId: o.threadId,
        createdBy: o.createdBy,
        createdAt: clock().toISOString(),
        expiresAt: o.expiresAt ?? null,
        revokedAt: null,
      };
      await db.run(
        "INSERT INTO share_links (id, thread_id, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        [info.id, info.threadId, hashToken(token), info.createdBy, info.createdAt, info.expiresAt],
      );
      return { ...info, token };
    },
    /** Every link of a thread (live, expired and revoked), oldest first; never a token. */
    list: (threadId: string) =>
      db.all<ShareLinkInfo>(`SELECT ${COLS} FROM share_links WHERE thread_id = ? ORDER BY created_at, id`, [
        threadId,
      ]),
    /** The live link for a token: known, not revoked, not expired. */
    async find(token: string): Promise<ShareLinkInfo | undefined> {
      if (!SHARE_TOKEN.test(token)) return undefined;
      const r = await db.get<ShareLinkInfo>(
        `SELECT ${COLS} FROM share_links WHERE hash = ? AND revoked_at IS NULL`,
        [hashToken(token)],
      );
      if (!r) return undefined;
      if (r.expiresAt !== null && Date.parse(r.expiresAt) <= clock().getTime()) return undefined;
      return r;
    },
    /** Revokes a live link of this thread; false when there is none. */
    async revoke(threadId: string, id: string): Promise<boolean> {
      return (
        (await db.run(
          "UPDATE share_links SET revoked_at = ? WHERE id = ? AND thread_id = ? AND revoked_at IS NULL",
          [clock().toISOString(), id, threadId],
        )) > 0
      );
    },
  };
}

export type ShareLinkStore = ReturnType<typeof createShareLinkStore>;
