import { describe, expect, test } from "bun:test";
import { countFunnel, type FunnelRow } from "./funnel.ts";
import { mergeProperties, type PersonRow, pickWinner } from "./merge.ts";

const rows = (personId: string, ...evs: [string, number][]): FunnelRow[] =>
  evs.map(([name, at]) => ({ personId, name, at }));

describe("countFunnel", () => {
  test("counts persons reaching each step in order within the window", () => {
    const r = [
      ...rows("a", ["view", 0], ["signup", 10], ["pay", 20]),
      ...rows("b", ["view", 0], ["signup", 10]),
      ...rows("c", ["signup", 0], ["view", 5]), // wrong order: only step 1
      ...rows("d", ["view", 0], ["signup", 200]), // outside the window
    ];
    expect(countFunnel(r, ["view", "signup", "pay"], 100)).toEqual([4, 2, 1]);
  });
  test("a later start keeps the window open; one event advances one step", () => {
    expect(countFunnel(rows("a", ["v", 0], ["v", 150], ["s", 200]), ["v", "s"], 100)).toEqual([1, 1]);
    expect(countFunnel(rows("a", ["v", 0]), ["v", "v"], 100)).toEqual([1, 0]);
    expect(countFunnel(rows("a", ["v", 0], ["v", 1]), ["v", "v"], 100)).toEqual([1, 1]);
  });
});

describe("pickWinner", () => {
  const p = (id: string, identified: boolean, createdAt: string): PersonRow => ({
    id,
    identified,
    createdAt,
    properties: {},
  });
  test("identified beats anonymous, older identified beats newer, else the preferred", () => {
    const anonOld = p("a", false, "2026-01-01");
    const idNew = p("b", true, "2026-02-01");
    const idOld = p("c", true, "2026-01-15");
    expect(pickWinner(anonOld, idNew, anonOld)[0].id).toBe("b");
    expect(pickWinner(idNew, idOld, idNew)[0].id).toBe("c");
    const anonNew = p("d", false, "2026-03-01");
    expect(pickWinner(anonOld, anonNew, anonNew)[0].id).toBe("d");
  });
  test("properties: winner over loser, $set over both, $set_once only when missing", () => {
    expect(
      mergeProperties({ plan: "pro" }, { plan: "free", os: "linux" }, { seen: 1 }, { plan: "x", first: 2 }),
    ).toEqual({
      plan: "pro",
      os: "linux",
      seen: 1,
      first: 2,
    });
  });
});
