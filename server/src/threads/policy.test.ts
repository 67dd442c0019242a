import { describe, expect, test } from "bun:test";
import type { Principal } from "../auth/principal.ts";
import { canAccessThread, type ThreadAction } from "./policy.ts";

const alice: Principal = { userId: "alice", via: "token" };
const bob: Principal = { userId: "bob", via: "token" };
const VISIBILITIES = ["private", "team", "organization", "public"];
const WRITES: ThreadAction[] = ["thread.write", "thread.delete", "thread.share"];

describe("canAccessThread", () => {
  test("the owner may do everything with every visibility", () => {
    for (const visibility of VISIBILITIES)
      for (const action of ["thread.read", ...WRITES] as ThreadAction[])
        expect(canAccessThread(alice, action, { ownerId: "alice", visibility })).toBe(true);
  });

  test("others read what is not private, and never write, delete or share", () => {
    for (const visibility of VISIBILITIES) {
      const facts = { ownerId: "alice", visibility };
      expect(canAccessThread(bob, "thread.read", facts)).toBe(visibility !== "private");
      for (const action of WRITES) expect(canAccessThread(bob, action, facts)).toBe(false);
    }
  });
});
