/**
 * Who is asking and what they ask about, as plain data: the policy (`policy.ts`) is a pure function of
 * these. A request's subject is built once by the auth plugin (`auth/plugin.ts`) from its credential.
 */

export const GLOBAL_ROLES = ["system_admin", "support", "auditor"] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export const ORG_ROLES = ["owner", "admin", "member"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const TEAM_ROLES = ["maintainer", "member"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const SCOPES = ["threads:read", "threads:write", "threads:delete", "llm:use", "tools:use"] as const;
export type Scope = (typeof SCOPES)[number];
export const ACTIONS = [
  "Read",
  "Write",
  "Delete",
  "Share",
  "UseTool",
  "UseLlm",
  "ManageOrg",
  "Impersonate",
] as const;
export type Action = (typeof ACTIONS)[number];
export const VISIBILITIES = ["private", "team", "organization", "public"] as const;
export type ThreadVisibility = (typeof VISIBILITIES)[number];

export interface UserSubject {
  kind: "user";
  userId: string;
  roles: GlobalRole[];
  orgs: { orgId: string; role: OrgRole }[];
  teams: { teamId: string; orgId: string; role: TeamRole }[];
  /** The system_admin acting as this user (an impersonation session). */
  impersonatorId?: string;
}

/** An org API key: its scopes, bounded by what its creator may do now. */
export interface ApiKeySubject {
  kind: "apikey";
  keyId: string;
  orgId: string;
  scopes: Scope[];
  creator: UserSubject;
}

export type Subject = { kind: "anonymous" } | UserSubject | ApiKeySubject;

export const ANONYMOUS: Subject = { kind: "anonymous" };

export type Resource =
  | {
      type: "thread";
      ownerId: string;
      /** The org (and team) a `team`/`organization` thread is shared with; null: server-wide scope. */
      orgId: string | null;
      teamId: string | null;
      visibility: ThreadVisibility;
      /** The owner granted support staff access (an unexpired grant). */
      sharedWithSupport: boolean;
      /** The request carries a live share link for this thread. */
      viaShareLink?: boolean;
    }
  | { type: "org"; orgId: string }
  | { type: "team"; orgId: string; teamId: string }
  /** One account: its sessions, disabling it, impersonating it. */
  | { type: "user"; userId: string }
  /** All accounts (admin listing, roles). */
  | { type: "directory" }
  /** The server itself: creating orgs. */
  | { type: "server" }
  | { type: "llm" }
  | { type: "tool" }
  | { type: "audit" }
  /** One weaver (a remote agent environment): its owner and the org it belongs to, if any. */
  | { type: "weaver"; ownerId: string; orgId: string | null }
  /** Every weaver on the server (cleanup). */
  | { type: "weavers" }
  /** Anyone may call it (health, sign-in starts); declared so every route says what it guards. */
  | { type: "none" };

export type ResourceType = Resource["type"];

export interface Decision {
  allow: boolean;
  reason: string;
}
