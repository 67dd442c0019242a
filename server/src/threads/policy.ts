/**
 * Who may do what with a thread. The one place access is decided, so an ABAC policy engine can
 * replace it later without touching the routes.
 */
import type { Principal } from "../auth/principal.ts";

export type ThreadAction = "thread.read" | "thread.write" | "thread.delete" | "thread.share";

export interface ThreadAccessFacts {
  ownerId: string;
  visibility: string;
}

export function canAccessThread(
  principal: Principal,
  action: ThreadAction,
  thread: ThreadAccessFacts,
): boolean {
  const owner = thread.ownerId === principal.userId;
  switch (action) {
    case "thread.read":
      // Without orgs yet, every authenticated user is in the one team and the one organization.
      return owner || thread.visibility !== "private";
    case "thread.write":
    case "thread.delete":
    case "thread.share":
      return owner;
    default: {
      const never: never = action;
      return never;
    }
  }
}
