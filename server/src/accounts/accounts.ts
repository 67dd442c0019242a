/**
 * Everything about people and access that lives in the database, written once over a `SqlRunner`
 * so SQLite and Postgres share it: users and roles, sessions, orgs and teams, API keys, the audit log.
 */
import { createDeviceCodeStore } from "../auth/device-code-store.ts";
import { createMagicLinkStore } from "../auth/magic-link-store.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { createApiKeyStore } from "./api-keys.ts";
import { createAuditLog } from "./audit.ts";
import { createInvitationStore } from "./invitations.ts";
import { createJoinRequestStore } from "./join-requests.ts";
import { createOrgStore } from "./orgs.ts";
import { createSessionStore } from "./sessions.ts";
import { createShareLinkStore } from "./share-links.ts";
import { createSupportGrantStore } from "./support-grants.ts";
import { createTeamStore } from "./teams.ts";
import { createUserStore } from "./users.ts";

export function createAccounts(db: SqlRunner, clock: () => Date) {
  return {
    users: createUserStore(db, clock),
    sessions: createSessionStore(db, clock),
    orgs: createOrgStore(db, clock),
    teams: createTeamStore(db, clock),
    invitations: createInvitationStore(db, clock),
    joinRequests: createJoinRequestStore(db, clock),
    supportGrants: createSupportGrantStore(db, clock),
    apiKeys: createApiKeyStore(db, clock),
    audit: createAuditLog(db, clock),
    shareLinks: createShareLinkStore(db, clock),
    /** Which org and team a thread is shared with (set beside its visibility). */
    async threadScope(threadId: string, orgId: string | null, teamId: string | null): Promise<void> {
      await db.run("UPDATE threads SET org_id = ?, team_id = ? WHERE id = ?", [orgId, teamId, threadId]);
    },
    /** Sign-in methods' own state (`auth/device-code-store.ts`, `auth/magic-link-store.ts`). */
    deviceCodes: createDeviceCodeStore(db, clock),
    magicLinks: createMagicLinkStore(db, clock),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
