import { expect, test } from "bun:test";
import { testRequest } from "./_test-request.ts";

test("a test request carries the bearer token, a JSON body (a string as it is) and extra headers last", async () => {
  const r = testRequest("PUT", "/api/x?y=1", { token: "lt_t", body: { a: 1 }, headers: { "if-match": "2" } });
  expect(r.url).toBe("http://localhost/api/x?y=1");
  expect(r.method).toBe("PUT");
  expect(r.headers.get("authorization")).toBe("Bearer lt_t");
  expect(r.headers.get("content-type")).toBe("application/json");
  expect(r.headers.get("if-match")).toBe("2");
  expect(await r.text()).toBe('{"a":1}');
  const raw = testRequest("POST", "/p", { body: "{bad", headers: { "content-type": "text/plain" } });
  expect(raw.headers.get("content-type")).toBe("text/plain");
  expect(await raw.text()).toBe("{bad");
  const bare = testRequest("GET", "/health");
  expect(bare.headers.get("authorization")).toBeNull();
  expect(bare.headers.get("content-type")).toBeNull();
});
