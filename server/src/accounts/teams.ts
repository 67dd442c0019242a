/**
 * Teams inside an org and their members (maintainer/member). Only org members join a team (the
 * routes check); removing someone from the org removes their team rows too (`orgs.removeMember`).
 * Deleting a team deletes its memberships in the same transaction; threads shared with it stay
 * readable by their owner only.
 */
import type { TeamRole } from "../access/subject.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export interface Team {
  id: string;
  orgId: string;
  slug: string;
  name: string;
  createdAt: string;
}

export interface TeamMember {
  userId: string;
  email: string | null;
  displayName: string;
  role: TeamRole;
  createdAt: string;
}

const COLS = `id, org_id AS "orgId", slug, name, created_at AS "createdAt"`;

export function createTeamStore(db: SqlRunner, clock: () => Date) {
  return {
    /** A new team; undefined when the org already has one with this slug. */
    async create(o: { orgId: string; slug: string; name: string }): Promise<Team | undefined> {
      const team: Team = {
        id: `team_${Bun.randomUUIDv7()}`,
        orgId: o.orgId,
        slug: o.slug,
        name: o.name,
        createdAt: clock().toISOString(),
      };
      const n = await db.run(
        "INSERT INTO teams (id, org_id, slug, name, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [team.id, team.orgId, team.slug, team.name, team.createdAt],
      );
      return n ? team : undefined;
    },
    /** The org's teams with their member counts. */
    list: async (orgId: string) =>
      (
        await db.all<Team & { members: number | string }>(
          `SELECT t.id, t.org_id AS "orgId", t.slug, t.name, t.created_at AS "createdAt",
                  (SELECT count(*) FROM team_members m WHERE m.team_id = t.id) AS members
             FROM teams t WHERE t.org_id = ? ORDER BY t.slug`,
          [orgId],
        )
      ).map((t) => ({ ...t, members: Number(t.members) })),
    /** A team of the org, by id or slug. */
    get: (orgId: string, idOrSlug: string) =>
      db.get<Team>(`SELECT ${COLS} FROM teams WHERE org_id = ? AND (id = ? OR slug = ?)`, [
        orgId,
        idOrSlug,
        idOrSlug,
      ]),
    async remove(teamId: string): Promise<boolean> {
      const [, n] = await db.batch([
        ["DELETE FROM team_members WHERE team_id = ?", [teamId]],
        ["DELETE FROM teams WHERE id = ?", [teamId]],
      ]);
      return (n ?? 0) > 0;
    },
    members: (teamId: string) =>
      db.all<TeamMember>(
        `SELECT m.user_id AS "userId", u.email, u.display_name AS "displayName", m.role, m.created_at AS "createdAt"
           FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY m.created_at, m.user_id`,
        [teamId],
      ),
    /** Adds the member or changes their role. */
    async setMember(teamId: string, userId: string, role: TeamRole): Promise<void> {
      await db.batch([
        ["DELETE FROM team_members WHERE team_id = ? AND user_id = ?", [teamId, userId]],
        [
          "INSERT INTO team_members (team_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
          [teamId, userId, role, clock().toISOString()],
        ],
      ]);
    },
    async removeMember(teamId: string, userId: string): Promise<boolean> {
      return (
        (await db.run("DELETE FROM team_members WHERE team_id = ? AND user_id = ?", [teamId, userId])) > 0
      );
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
