import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { can } from "./policy.ts";
import {
  ACTIONS,
  type Action,
  ANONYMOUS,
  type ApiKeySubject,
  GLOBAL_ROLES,
  ORG_ROLES,
  type Resource,
  SCOPES,
  TEAM_ROLES,
  type UserSubject,
  VISIBILITIES,
} from "./subject.ts";

const ORGS = ["o1", "o2"];
const TEAMS = [
  { teamId: "t1", orgId: "o1" },
  { teamId: "t2", orgId: "o1" },
  { teamId: "t3", orgId: "o2" },
];
const USERS = ["u1", "u2", "u3"];

const user: fc.Arbitrary<UserSubject> = fc.record({
  kind: fc.constant("user" as const),
  userId: fc.constantFrom(...USERS),
  roles: fc.subarray([...GLOBAL_ROLES]),
  orgs: fc.uniqueArray(fc.record({ orgId: fc.constantFrom(...ORGS), role: fc.constantFrom(...ORG_ROLES) }), {
    selector: (m) => m.orgId,
  }),
  teams: fc.uniqueArray(
    fc.record({ t: fc.constantFrom(...TEAMS), role: fc.constantFrom(...TEAM_ROLES) }).map(({ t, role }) => ({
      ...t,
      role,
    })),
    { selector: (m) => m.teamId },
  ),
});

const apiKey: fc.Arbitrary<ApiKeySubject> = fc.record({
  kind: fc.constant("apikey" as const),
  keyId: fc.constant("k1"),
  orgId: fc.constantFrom(...ORGS),
  scopes: fc.subarray([...SCOPES]),
  creator: user,
});

const resource: fc.Arbitrary<Resource> = fc.oneof(
  fc
    .record({
      ownerId: fc.constantFrom(...USERS),
      team: fc.option(fc.constantFrom(...TEAMS), { nil: null }),
      org: fc.option(fc.constantFrom(...ORGS), { nil: null }),
      visibility: fc.constantFrom(...VISIBILITIES),
      sharedWithSupport: fc.boolean(),
      viaShareLink: fc.boolean(),
    })
    .map(({ team, org, ...r }) => ({
      type: "thread" as const,
      ...r,
      orgId: team?.orgId ?? org,
      teamId: team?.teamId ?? null,
    })),
  fc.constantFrom(...ORGS).map((orgId) => ({ type: "org" as const, orgId })),
  fc.constantFrom(...TEAMS).map((t) => ({ type: "team" as const, ...t })),
  fc.constantFrom(...USERS).map((userId) => ({ type: "user" as const, userId })),
  fc.constantFrom(
    { type: "directory" as const },
    { type: "server" as const },
    { type: "llm" as const },
    { type: "tool" as const },
    { type: "audit" as const },
    { type: "weavers" as const },
  ),
  fc
    .record({ ownerId: fc.constantFrom(...USERS), orgId: fc.option(fc.constantFrom(...ORGS), { nil: null }) })
    .map((r) => ({ type: "weaver" as const, ...r })),
);

const action = fc.constantFrom(...ACTIONS);
const WRITES: Action[] = ["Write", "Delete", "Share", "ManageOrg", "Impersonate"];
const orgOf = (r: Resource) =>
  r.type === "thread" ? r.orgId : r.type === "org" || r.type === "team" ? r.orgId : null;

describe("policy: can(subject, action, resource)", () => {
  test("anonymous gets nothing but Read of public threads (or through a share link)", () => {
    fc.assert(
      fc.property(action, resource, (a, r) => {
        const d = can(ANONYMOUS, a, r);
        const expected =
          a === "Read" && r.type === "thread" && (r.visibility === "public" || r.viaShareLink === true);
        expect(d.allow).toBe(expected);
        expect(d.reason.length).toBeGreaterThan(0);
      }),
    );
  });

  test("an auditor never writes (whatever else it holds), directly or through its API keys", () => {
    fc.assert(
      fc.property(user, apiKey, fc.constantFrom(...WRITES), resource, (u, k, a, r) => {
        const auditor = { ...u, roles: [...u.roles, "auditor" as const] };
        expect(can(auditor, a, r).allow).toBe(false);
        expect(can({ ...k, creator: auditor }, a, r).allow).toBe(false);
      }),
    );
    // …but reads what it audits.
    const bare: UserSubject = { kind: "user", userId: "u9", roles: ["auditor"], orgs: [], teams: [] };
    expect(can(bare, "Read", { type: "audit" }).allow).toBe(true);
    expect(can(bare, "Read", { type: "org", orgId: "o1" }).allow).toBe(true);
  });

  test("a removed member loses every resource of that org (team rows left behind included)", () => {
    fc.assert(
      fc.property(user, action, resource, (u, a, r) => {
        const org = orgOf(r);
        if (!org) return;
        // Removed: not in the org any more; team memberships may linger; no global role to fall back on.
        const removed: UserSubject = { ...u, roles: [], orgs: u.orgs.filter((m) => m.orgId !== org) };
        if (r.type === "thread" && (r.ownerId === u.userId || r.visibility === "public" || r.viaShareLink))
          return; // not an org right: their own thread, or readable by anyone
        expect(can(removed, a, r).allow).toBe(false);
      }),
    );
  });

  test("a team thread is read by others only as members of that team and its org (or when public, linked, support-shared)", () => {
    fc.assert(
      fc.property(user, resource, (u, r) => {
        if (r.type !== "thread" || r.visibility !== "team" || r.orgId === null || r.ownerId === u.userId)
          return;
        if (r.viaShareLink || (r.sharedWithSupport && u.roles.includes("support"))) return;
        const member =
          u.orgs.some((m) => m.orgId === r.orgId) &&
          u.teams.some((t) => t.teamId === r.teamId && t.orgId === r.orgId);
        expect(can(u, "Read", r).allow).toBe(member);
      }),
    );
  });

  test("team members are managed by org owners/admins, the team's own maintainers (while in the org) and system_admin only", () => {
    fc.assert(
      fc.property(user, fc.constantFrom(...TEAMS), (u, t) => {
        const r: Resource = { type: "team", ...t };
        const role = u.orgs.find((m) => m.orgId === t.orgId)?.role;
        const maintainer =
          role !== undefined && u.teams.some((x) => x.teamId === t.teamId && x.role === "maintainer");
        const expected =
          !u.roles.includes("auditor") &&
          (role === "owner" || role === "admin" || maintainer || u.roles.includes("system_admin"));
        expect(can(u, "ManageOrg", r).allow).toBe(expected);
        // Deleting a team is for org owners/admins (and system_admin), never a maintainer as such.
        if (!(role === "owner" || role === "admin" || u.roles.includes("system_admin")))
          expect(can(u, "Delete", r).allow).toBe(false);
      }),
    );
  });

  test("an API key never exceeds its scopes, its org, or its creator's rights", () => {
    const scopeOf: Partial<Record<Action, string>> = {
      Read: "threads:read",
      Write: "threads:write",
      Delete: "threads:delete",
      UseLlm: "llm:use",
      UseTool: "tools:use",
    };
    fc.assert(
      fc.property(apiKey, action, resource, (k, a, r) => {
        const d = can(k, a, r);
        if (!d.allow) return;
        expect(can(k.creator, a, r).allow).toBe(true);
        expect(k.scopes as string[]).toContain(scopeOf[a] as string);
        expect(k.creator.orgs.map((m) => m.orgId)).toContain(k.orgId);
        if (r.type === "thread" && !(a === "Read" && r.visibility === "public"))
          expect(r.orgId).toBe(k.orgId);
        expect(["thread", "llm", "tool"]).toContain(r.type);
      }),
    );
  });

  test("only owners write, delete or share threads", () => {
    fc.assert(
      fc.property(
        fc.oneof(user, apiKey),
        fc.constantFrom<Action>("Write", "Delete", "Share"),
        resource,
        (s, a, r) => {
          if (r.type !== "thread") return;
          const who = s.kind === "user" ? s.userId : s.creator.userId;
          if (can(s, a, r).allow) expect(r.ownerId).toBe(who);
        },
      ),
    );
  });

  test("examples: org visibility, team needs the org, support grants, impersonation", () => {
    const t = (over: Partial<Extract<Resource, { type: "thread" }>>): Resource => ({
      type: "thread",
      ownerId: "u1",
      orgId: "o1",
      teamId: null,
      visibility: "organization",
      sharedWithSupport: false,
      ...over,
    });
    const member: UserSubject = {
      kind: "user",
      userId: "u2",
      roles: [],
      orgs: [{ orgId: "o1", role: "member" }],
      teams: [],
    };
    expect(can(member, "Read", t({})).allow).toBe(true);
    expect(can(member, "Read", t({ orgId: "o2" })).allow).toBe(false);
    expect(can(member, "Read", t({ visibility: "private" })).allow).toBe(false);
    expect(can(member, "Read", t({ visibility: "team", teamId: "t1" })).allow).toBe(false);
    const inTeam = { ...member, teams: [{ teamId: "t1", orgId: "o1", role: "member" as const }] };
    expect(can(inTeam, "Read", t({ visibility: "team", teamId: "t1" })).allow).toBe(true);
    const support: UserSubject = { kind: "user", userId: "u3", roles: ["support"], orgs: [], teams: [] };
    expect(can(support, "Read", t({ visibility: "private" })).allow).toBe(false);
    expect(can(support, "Read", t({ visibility: "private", sharedWithSupport: true })).allow).toBe(true);
    expect(can(support, "Write", t({ visibility: "private", sharedWithSupport: true })).allow).toBe(false);
    const admin: UserSubject = { kind: "user", userId: "u3", roles: ["system_admin"], orgs: [], teams: [] };
    expect(can(admin, "Impersonate", { type: "user", userId: "u1" }).allow).toBe(true);
    expect(can(admin, "Read", t({ visibility: "private" })).allow).toBe(false);
    expect(can({ ...admin, impersonatorId: "u9" }, "Impersonate", { type: "user", userId: "u1" }).allow).toBe(
      false,
    );
    expect(can(member, "Impersonate", { type: "user", userId: "u1" })).toEqual({
      allow: false,
      reason: "only a system_admin impersonates",
    });
  });
});

describe("weavers", () => {
  const u = (userId: string, over: Partial<UserSubject> = {}): UserSubject => ({
    kind: "user",
    userId,
    roles: [],
    orgs: [],
    teams: [],
    ...over,
  });
  const w = (ownerId: string, orgId: string | null = null): Resource => ({ type: "weaver", ownerId, orgId });
  test("the owner uses it; an org admin and a system_admin read and stop it but do not type into it", () => {
    expect(can(u("u1"), "Write", w("u1")).allow).toBe(true);
    expect(can(u("u2"), "Read", w("u1")).allow).toBe(false);
    const admin = u("u2", { orgs: [{ orgId: "o1", role: "admin" }] });
    expect(can(admin, "Read", w("u1", "o1")).allow).toBe(true);
    expect(can(admin, "Delete", w("u1", "o1")).allow).toBe(true);
    expect(can(admin, "Write", w("u1", "o1")).allow).toBe(false);
    expect(can(u("u2", { orgs: [{ orgId: "o1", role: "member" }] }), "Read", w("u1", "o1")).allow).toBe(
      false,
    );
    expect(can(u("u3", { roles: ["system_admin"] }), "Delete", w("u1")).allow).toBe(true);
    expect(can(u("u3", { roles: ["system_admin"], impersonatorId: "x" }), "Delete", w("u1")).allow).toBe(
      false,
    );
    // Creating one in an org needs the membership.
    expect(can(u("u1"), "Write", w("u1", "o1")).allow).toBe(false);
    expect(can(u("u1", { orgs: [{ orgId: "o1", role: "member" }] }), "Write", w("u1", "o1")).allow).toBe(
      true,
    );
    expect(can(u("u1", { roles: ["auditor"] }), "Write", w("u1")).allow).toBe(false);
  });
  test("only a system_admin cleans up every weaver", () => {
    expect(can(u("u1", { roles: ["system_admin"] }), "Delete", { type: "weavers" }).allow).toBe(true);
    expect(can(u("u1", { roles: ["support", "auditor"] }), "Delete", { type: "weavers" }).allow).toBe(false);
  });
});
