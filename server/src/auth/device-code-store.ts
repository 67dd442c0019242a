/**
 * Device-code grants (RFC 8628) in the database, so any replica answers the CLI's polls: the device
 * code is stored as sha256, the user code (9 digits, shown as `123-456-789`) as its digits. A grant
 * is pending until a signed-in person approves or denies it, then consumed by one successful poll.
 */
import type { SqlRunner } from "../db/sql-runner.ts";
import { hashToken } from "./tokens.ts";

export const DEVICE_CODE_TTL_S = 600;
export const DEVICE_POLL_INTERVAL_S = 5;
/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval. */
export const SLOW_DOWN_STEP_S = 5;

export type PollOutcome =
  | { kind: "approved"; userId: string }
  | { kind: "authorization_pending" | "slow_down" | "expired_token" | "access_denied" | "invalid_grant" };

interface Row {
  id: string;
  status: "pending" | "approved" | "denied" | "consumed";
  userId: string | null;
  intervalS: string;
  lastPollAt: string | null;
  expiresAt: string;
}

const COLS = `id, status, user_id AS "userId", interval_s AS "intervalS", last_poll_at AS "lastPollAt", expires_at AS "expiresAt"`;

/** `123456789` → `123-456-789`. */
export const formatUserCode = (digits: string) => digits.replace(/^(\d{3})(\d{3})(\d{3})$/, "$1-$2-$3");
/** What a person typed (`123-456-789`, `123 456 789`) → its digits, or undefined. */
export function normaliseUserCode(typed: string): string | undefined {
  const d = typed.replace(/[\s-]/g, "");
  return /^\d{9}$/.test(d) ? d : undefined;
}

function randomDigits(n: number): string {
  // Rejection sampling keeps every digit uniform (256 is not a multiple of 10).
  let out = "";
  while (out.length < n)
    for (const b of crypto.getRandomValues(new Uint8Array(n))) if (b < 250 && out.length < n) out += b % 10;
  return out;
}

export function createDeviceCodeStore(db: SqlRunner, clock: () => Date) {
  return {
    /** A new grant; `deviceCode` is returned once (the CLI's secret). */
    async create(o: { clientName?: string }) {
      const now = clock();
      const deviceCode = `ldc_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
      const expiresAt = new Date(now.getTime() + DEVICE_CODE_TTL_S * 1000).toISOString();
      // Old grants go first, so user codes are unique among live ones and the table stays small.
      await db.run("DELETE FROM device_codes WHERE expires_at < ?", [
        new Date(now.getTime() - 3600_000).toISOString(),
      ]);
      for (let attempt = 0; ; attempt++) {
        const userCode = randomDigits(9);
        try {
          await db.run(
            `INSERT INTO device_codes (id, hash, user_code, status, client_name, interval_s, created_at, expires_at)
             VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`,
            [
              `dev_${Bun.randomUUIDv7()}`,
              hashToken(deviceCode),
              userCode,
              o.clientName?.slice(0, 100) ?? null,
              String(DEVICE_POLL_INTERVAL_S),
              now.toISOString(),
              expiresAt,
            ],
          );
          return {
            deviceCode,
            userCode: formatUserCode(userCode),
            expiresIn: DEVICE_CODE_TTL_S,
            interval: DEVICE_POLL_INTERVAL_S,
          };
        } catch (e) {
          if (attempt >= 4) throw e; // a user-code collision 5 times running is not one
        }
      }
    },

    /** One poll by the device: pending (or too fast), approved once, denied, expired or unknown. */
    async poll(deviceCode: string): Promise<PollOutcome> {
      const row = await db.get<Row>(`SELECT ${COLS} FROM device_codes WHERE hash = ?`, [
        hashToken(deviceCode),
      ]);
      const now = clock();
      if (!row || row.status === "consumed") return { kind: "invalid_grant" };
      if (row.expiresAt <= now.toISOString()) return { kind: "expired_token" };
      if (row.status === "denied") return { kind: "access_denied" };
      if (row.status === "approved" && row.userId) {
        // Exactly one poll turns the approval into a session.
        const n = await db.run(
          "UPDATE device_codes SET status = 'consumed' WHERE id = ? AND status = 'approved'",
          [row.id],
        );
        return n === 1 ? { kind: "approved", userId: row.userId } : { kind: "invalid_grant" };
      }
      const interval = Number(row.intervalS);
      const tooSoon = row.lastPollAt !== null && now.getTime() - Date.parse(row.lastPollAt) < interval * 1000;
      await db.run("UPDATE device_codes SET last_poll_at = ?, interval_s = ? WHERE id = ?", [
        now.toISOString(),
        String(tooSoon ? interval + SLOW_DOWN_STEP_S : interval),
        row.id,
      ]);
      return { kind: tooSoon ? "slow_down" : "authorization_pending" };
    },

    /** What a live pending code would sign in (for the approval page); undefined when there is none. */
    async describe(userCode: string) {
      const digits = normaliseUserCode(userCode);
      if (!digits) return undefined;
      return await db.get<{ clientName: string | null; createdAt: string; expiresAt: string }>(
        `SELECT client_name AS "clientName", created_at AS "createdAt", expires_at AS "expiresAt"
           FROM device_codes WHERE user_code = ? AND status = 'pending' AND expires_at > ?`,
        [digits, clock().toISOString()],
      );
    },

    /** The person's answer for a live pending code; false when there is none. */
    async decide(userCode: string, userId: string, approve: boolean): Promise<boolean> {
      const digits = normaliseUserCode(userCode);
      if (!digits) return false;
      return (
        (await db.run(
          `UPDATE device_codes SET status = ?, user_id = ?
            WHERE user_code = ? AND status = 'pending' AND expires_at > ?`,
          [approve ? "approved" : "denied", userId, digits, clock().toISOString()],
        )) === 1
      );
    },
  };
}

export type DeviceCodeStore = ReturnType<typeof createDeviceCodeStore>;
