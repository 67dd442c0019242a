/**
 * Accounts: users, their global roles and the subject (roles + memberships) the policy judges.
 * Sign-in methods call `findByEmail` / `createUser` with a verified address; the first account on
 * a server becomes system_admin (in the same transaction, so two first sign-ins cannot both be).
 */
import type { GlobalRole, OrgRole, TeamRole, UserSubject } from "../access/subject.ts";
import type { SqlRunner, Stmt } from "../db/sql-runner.ts";

export interface User {
  id: string;
  email: string | null;
  displayName: string;
  createdAt: string;
  disabledAt: string | null;
  roles: GlobalRole[];
}

const COLS = `id, email, display_name AS "displayName", created_at AS "createdAt", disabled_at AS "disabledAt"`;

/** Makes the user `id` system_admin when it is the only user (the first account on a new server). */
export function firstUserIsAdmin(id: string): Stmt {
  return [
    `INSERT INTO user_roles (user_id, role)
       SELECT ?, 'system_admin' WHERE (SELECT count(*) FROM users) = 1
       ON CONFLICT DO NOTHING`,
    [id],
  ];
}

/** Creates the user `id` if absent (API tokens name a user id); the first user is system_admin. */
export function ensureUserStmts(id: string, now: string): Stmt[] {
  return [
    [
      "INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      [id, id, now],
    ],
    firstUserIsAdmin(id),
  ];
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createUserStore(db: SqlRunner, clock: () => Date) {
  const withRoles = async (u: Omit<User, "roles"> | undefined): Promise<User | undefined> => {
    if (!u) return undefined;
    const rows = await db.all<{ role: GlobalRole }>(
      "SELECT role FROM user_roles WHERE user_id = ? ORDER BY role",
      [u.id],
    );
    return { ...u, roles: rows.map((r) => r.role) };
  };
  return {
    get: async (id: string) => withRoles(await db.get(`SELECT ${COLS} FROM users WHERE id = ?`, [id])),
    /** The account with this verified address (lower-cased before comparing). */
    findByEmail: async (email: string) =>
      withRoles(await db.get(`SELECT ${COLS} FROM users WHERE email = ?`, [normaliseEmail(email)])),
    /** A new account for a verified address; the first account on the server becomes system_admin. */
    async createUser(o: { email: string; displayName?: string }): Promise<User> {
      const id = `usr_${Bun.randomUUIDv7()}`;
      const email = normaliseEmail(o.email);
      const now = clock().toISOString();
      await db.batch([
        [
          "INSERT INTO users (id, email, display_name, created_at) VALUES (?, ?, ?, ?)",
          [id, email, o.displayName?.trim() || email, now],
        ],
        firstUserIsAdmin(id),
      ]);
      return (await withRoles(await db.get(`SELECT ${COLS} FROM users WHERE id = ?`, [id]))) as User;
    },
    async ensure(id: string): Promise<void> {
      await db.batch(ensureUserStmts(id, clock().toISOString()));
    },
    async list(o: { limit: number; after?: string }): Promise<User[]> {
      const rows = await db.all<Omit<User, "roles">>(
        `SELECT ${COLS} FROM users WHERE id > ? ORDER BY id LIMIT ?`,
        [o.after ?? "", o.limit],
      );
      const roles = await db.all<{ userId: string; role: GlobalRole }>(
        `SELECT user_id AS "userId", role FROM user_roles`,
      );
      return rows.map((u) => ({ ...u, roles: roles.filter((r) => r.userId === u.id).map((r) => r.role) }));
    },
    /** Disables the account and revokes every session at once (tokens and keys stop by the join on disabled_at). */
    async disable(id: string): Promise<boolean> {
      const now = clock().toISOString();
      const [n] = await db.batch([
        ["UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL", [now, id]],
        ["UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [now, id]],
      ]);
      return (n ?? 0) > 0;
    },
    async enable(id: string): Promise<boolean> {
      return (await db.run("UPDATE users SET disabled_at = NULL WHERE id = ?", [id])) > 0;
    },
    async setRoles(id: string, roles: GlobalRole[]): Promise<void> {
      await db.batch([
        ["DELETE FROM user_roles WHERE user_id = ?", [id]],
        ...roles.map((r): Stmt => ["INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [id, r]]),
      ]);
    },
    /** Roles and memberships of an enabled user, as the policy sees them; undefined when disabled or absent. */
    async subject(userId: string): Promise<UserSubject | undefined> {
      const rows = await db.all<{ k: string; a: string; b: string | null; c: string | null }>(
        `SELECT 'user' AS k, id AS a, NULL AS b, NULL AS c FROM users WHERE id = ? AND disabled_at IS NULL
         UNION ALL SELECT 'role', role, NULL, NULL FROM user_roles WHERE user_id = ?
         UNION ALL SELECT 'org', org_id, role, NULL FROM org_members WHERE user_id = ?
         UNION ALL SELECT 'team', tm.team_id, tm.role, t.org_id FROM team_members tm
                     JOIN teams t ON t.id = tm.team_id WHERE tm.user_id = ?`,
        [userId, userId, userId, userId],
      );
      if (!rows.some((r) => r.k === "user")) return undefined;
      const s: UserSubject = { kind: "user", userId, roles: [], orgs: [], teams: [] };
      for (const r of rows) {
        if (r.k === "role") s.roles.push(r.a as GlobalRole);
        else if (r.k === "org") s.orgs.push({ orgId: r.a, role: r.b as OrgRole });
        else if (r.k === "team") s.teams.push({ teamId: r.a, orgId: r.c as string, role: r.b as TeamRole });
      }
      return s;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
