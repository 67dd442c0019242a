import { describe, expect, test } from "bun:test";
import { mergeLayers, uniformLayer } from "./merge.ts";

const a = { kind: "env", name: "A" } as const;
const b = { kind: "env", name: "B" } as const;

describe("mergeLayers", () => {
  test("deep-merges tables, replaces arrays and scalars, tracks who set each key", () => {
    const merged = mergeLayers([
      uniformLayer({ t: { x: 1, y: [1, 2], n: { deep: true } }, s: "low" }, a),
      uniformLayer({ t: { y: [3], z: 2 }, s: "high" }, b),
    ]);
    expect(merged.values).toEqual({ t: { x: 1, y: [3], z: 2, n: { deep: true } }, s: "high" });
    expect(merged.origins.get("t.x")).toEqual(a);
    expect(merged.origins.get("t.y")).toEqual(b);
    expect(merged.origins.get("t.n.deep")).toEqual(a);
    expect(merged.origins.get("s")).toEqual(b);
  });

  test("a scalar replacing a table drops the table's origins", () => {
    const merged = mergeLayers([uniformLayer({ t: { x: 1 } }, a), uniformLayer({ t: 5 }, b)]);
    expect(merged.values).toEqual({ t: 5 });
    expect(merged.origins.has("t.x")).toBe(false);
    expect(merged.origins.get("t")).toEqual(b);
  });

  test("does not modify its inputs and keeps __proto__ as plain data", () => {
    const low = { t: { list: [1] } };
    const high = JSON.parse('{"t": {"extra": 1}, "__proto__": {"polluted": true}}');
    const merged = mergeLayers([uniformLayer(low, a), uniformLayer(high, b)]);
    expect(low).toEqual({ t: { list: [1] } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged.values)).toContain("__proto__");
  });
});
