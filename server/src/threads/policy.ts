/**
 * Who may do what with a thread: the thread's facts as a policy resource, judged by the one policy
 * (`access/policy.ts`). A thread with no org is shared server-wide when its visibility is `team` or
 * `organization` (as before orgs existed).
 */
import { can } from "../access/policy.ts";
import type { Action, Resource, ThreadVisibility } from "../access/subject.ts";
import { type Principal, subjectOf } from "../auth/principal.ts";

export type ThreadAction = "thread.read" | "thread.write" | "thread.delete" | "thread.share";

const ACTION: Record<ThreadAction, Action> = {
  "thread.read": "Read",
  "thread.write": "Write",
  "thread.delete": "Delete",
  "thread.share": "Share",
};

export interface ThreadAccessFacts {
  ownerId: string;
  visibility: string;
  orgId?: string | null;
  teamId?: string | null;
  sharedWithSupport?: boolean;
}

export function threadResource(t: ThreadAccessFacts): Extract<Resource, { type: "thread" }> {
  return {
    type: "thread",
    ownerId: t.ownerId,
    orgId: t.orgId ?? null,
    teamId: t.teamId ?? null,
    visibility: t.visibility as ThreadVisibility,
    sharedWithSupport: t.sharedWithSupport ?? false,
  };
}

export function canAccessThread(
  principal: Principal,
  action: ThreadAction,
  thread: ThreadAccessFacts,
): boolean {
  return can(subjectOf(principal), ACTION[action], threadResource(thread)).allow;
}
