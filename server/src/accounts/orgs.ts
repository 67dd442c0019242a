/**
 * Orgs and their members. Removing a member also removes their team memberships in that org, in the
 * same transaction; the policy needs the org membership for every org right anyway, so access ends
 * with the commit (the next request's subject no longer has it).
 */
import type { OrgRole } from "../access/subject.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export interface Org {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

export interface OrgMember {
  userId: string;
  email: string | null;
  displayName: string;
  role: OrgRole;
  createdAt: string;
}

const COLS = `id, slug, name, created_at AS "createdAt", created_by AS "createdBy"`;

export function createOrgStore(db: SqlRunner, clock: () => Date) {
  return {
    /** Creates the org with `owner` as its owner; undefined when the slug is taken. */
    async create(o: { slug: string; name: string; owner: string }): Promise<Org | undefined> {
      const org: Org = {
        id: `org_${Bun.randomUUIDv7()}`,
        slug: o.slug,
        name: o.name,
        createdAt: clock().toISOString(),
        createdBy: o.owner,
      };
      const [n] = await db.batch([
        [
          "INSERT INTO orgs (id, slug, name, created_at, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          [org.id, org.slug, org.name, org.createdAt, org.createdBy],
        ],
        [
          "INSERT INTO org_members (org_id, user_id, role, created_at) SELECT ?, ?, 'owner', ? WHERE EXISTS (SELECT 1 FROM orgs WHERE id = ?)",
          [org.id, o.owner, org.createdAt, org.id],
        ],
      ]);
      return n ? org : undefined;
    },
    /** By id or slug. */
    get: (idOrSlug: string) =>
      db.get<Org>(`SELECT ${COLS} FROM orgs WHERE id = ? OR slug = ?`, [idOrSlug, idOrSlug]),
    listForUser: (userId: string) =>
      db.all<Org & { role: OrgRole }>(
        `SELECT o.id, o.slug, o.name, o.created_at AS "createdAt", o.created_by AS "createdBy", m.role
           FROM orgs o JOIN org_members m ON m.org_id = o.id WHERE m.user_id = ? ORDER BY o.slug`,
        [userId],
      ),
    members: (orgId: string) =>
      db.all<OrgMember>(
        `SELECT m.user_id AS "userId", u.email, u.display_name AS "displayName", m.role, m.created_at AS "createdAt"
           FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY m.created_at, m.user_id`,
        [orgId],
      ),
    /** Adds the user or changes their role (a member keeps their `createdAt`: member since). */
    async setMember(orgId: string, userId: string, role: OrgRole): Promise<void> {
      await db.run(
        `INSERT INTO org_members (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
        [orgId, userId, role, clock().toISOString()],
      );
    },
    /** Removes the member and their team memberships in the org; false when they were not a member. */
    async removeMember(orgId: string, userId: string): Promise<boolean> {
      const [n] = await db.batch([
        ["DELETE FROM org_members WHERE org_id = ? AND user_id = ?", [orgId, userId]],
        [
          "DELETE FROM team_members WHERE user_id = ? AND team_id IN (SELECT id FROM teams WHERE org_id = ?)",
          [userId, orgId],
        ],
      ]);
      return (n ?? 0) > 0;
    },
    async owners(orgId: string): Promise<number> {
      const r = await db.get<{ n: number | string }>(
        "SELECT count(*) AS n FROM org_members WHERE org_id = ? AND role = 'owner'",
        [orgId],
      );
      return Number(r?.n ?? 0);
    },
  };
}

export type OrgStore = ReturnType<typeof createOrgStore>;
