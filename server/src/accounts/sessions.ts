/**
 * Sign-in sessions: `ls_<random>` secrets (web: the `loom_session` cookie; cli: a bearer token),
 * stored as sha256, 60-day sliding expiry, listed with created/last used/IP/user agent, revocable.
 * An impersonation session carries the system_admin behind it and ends at a fixed time.
 */
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export const SESSION_PREFIX = "ls_";
export const SESSION_TTL_MS = 60 * 24 * 3600 * 1000;
/** A session's last-used time (and sliding expiry) is written at most this often. */
export const SESSION_TOUCH_MS = 60 * 1000;
export const SESSION_KINDS = ["web", "cli"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export interface SessionInfo {
  id: string;
  userId: string;
  kind: SessionKind;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  impersonatorId: string | null;
}

const cols = (t = "") => `${t}id, ${t}user_id AS "userId", ${t}kind, ${t}created_at AS "createdAt",
  ${t}last_used_at AS "lastUsedAt", ${t}expires_at AS "expiresAt", ${t}ip, ${t}user_agent AS "userAgent",
  ${t}impersonator_id AS "impersonatorId"`;
const COLS = cols();
const S_COLS = cols("s.");

export function generateSessionSecret(): string {
  return SESSION_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export function createSessionStore(db: SqlRunner, clock: () => Date) {
  return {
    /** A new session; the secret is returned once. `replaces` (the caller's old session) is revoked with it. */
    async create(o: {
      userId: string;
      kind: SessionKind;
      ip?: string | null;
      userAgent?: string | null;
      impersonatorId?: string;
      /** Fixed end (impersonation); otherwise 60 days, sliding. */
      expiresAt?: Date;
      replaces?: string;
    }): Promise<SessionInfo & { secret: string }> {
      const now = clock();
      const secret = generateSessionSecret();
      const info: SessionInfo = {
        id: `ses_${Bun.randomUUIDv7()}`,
        userId: o.userId,
        kind: o.kind,
        createdAt: now.toISOString(),
        lastUsedAt: now.toISOString(),
        expiresAt: (o.expiresAt ?? new Date(now.getTime() + SESSION_TTL_MS)).toISOString(),
        ip: o.ip?.slice(0, 100) ?? null,
        userAgent: o.userAgent?.slice(0, 500) ?? null,
        impersonatorId: o.impersonatorId ?? null,
      };
      await db.batch([
        [
          `INSERT INTO sessions (id, hash, user_id, kind, created_at, last_used_at, expires_at, ip, user_agent, impersonator_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            info.id,
            hashToken(secret),
            info.userId,
            info.kind,
            info.createdAt,
            info.lastUsedAt,
            info.expiresAt,
            info.ip,
            info.userAgent,
            info.impersonatorId,
          ],
        ],
        ...(o.replaces
          ? ([
              [
                "UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL",
                [info.createdAt, hashToken(o.replaces)],
              ],
            ] as [string, unknown[]][])
          : []),
      ]);
      return { ...info, secret };
    },
    /** The live session for a secret (user enabled, not revoked, not expired); slides its expiry. */
    async find(secret: string): Promise<SessionInfo | undefined> {
      if (!secret.startsWith(SESSION_PREFIX)) return undefined;
      const s = await db.get<SessionInfo>(
        `SELECT ${S_COLS} FROM sessions s
           JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
          WHERE s.hash = ? AND s.revoked_at IS NULL`,
        [hashToken(secret)],
      );
      const now = clock();
      if (!s || s.expiresAt <= now.toISOString()) return undefined;
      if (now.getTime() - Date.parse(s.lastUsedAt) >= SESSION_TOUCH_MS) {
        s.lastUsedAt = now.toISOString();
        if (!s.impersonatorId) s.expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
        await db.run("UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?", [
          s.lastUsedAt,
          s.expiresAt,
          s.id,
        ]);
      }
      return s;
    },
    /** The user's live sessions, newest first. */
    list: (userId: string) =>
      db.all<SessionInfo>(
        `SELECT ${COLS} FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC`,
        [userId, clock().toISOString()],
      ),
    /** Revokes one of the user's sessions; false when it is not theirs or already gone. */
    async revoke(id: string, userId: string): Promise<boolean> {
      return (
        (await db.run(
          "UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
          [clock().toISOString(), id, userId],
        )) > 0
      );
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
