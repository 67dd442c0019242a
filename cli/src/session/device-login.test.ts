import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCredentials } from "@loom/runtime/sync/credentials";
import { deviceLogin } from "./device-login.ts";

/** A server that answers the token endpoint from a script (RFC 8628 shapes), and records polls. */
let script: (Record<string, unknown> | "token")[] = [];
let polls = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/api/auth/device/code")
      return Response.json({
        device_code: "ldc_x",
        user_code: "123-456-789",
        verification_uri: "http://srv/device",
        expires_in: 600,
        interval: 5,
      });
    polls++;
    const next = script.shift() ?? { error: "authorization_pending" };
    if (next === "token")
      return Response.json({ access_token: "ls_tok", token_type: "Bearer", user_id: "usr_1" });
    return Response.json(next, { status: 400 });
  },
});
afterAll(() => server.stop(true));
const url = `http://127.0.0.1:${server.port}`;

function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

test("polls at the server's interval, 5 s more after each slow_down, and saves the token 0600", async () => {
  script = [
    { error: "authorization_pending" },
    { error: "slow_down" },
    { error: "authorization_pending" },
    "token",
  ];
  polls = 0;
  const t = fakeTime();
  const lines: string[] = [];
  const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "loom-device-")) };
  const r = await deviceLogin(url, { env, print: (l) => lines.push(l), sleep: t.sleep, now: t.now });
  expect(t.waits).toEqual([5000, 5000, 10_000, 10_000]);
  expect(lines[0]).toBe("To sign in, open http://srv/device and enter the code 123-456-789");
  expect(r.userId).toBe("usr_1");
  expect(readCredentials(url, env)?.token.expose()).toBe("ls_tok");
  expect(statSync(r.path).mode & 0o777).toBe(0o600);
});

test("gives up after 600 s of pending (120 polls at 5 s), and on expired_token or access_denied", async () => {
  script = [];
  polls = 0;
  const t = fakeTime();
  const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "loom-device-")) };
  const o = { env, print: () => {}, sleep: t.sleep, now: t.now };
  await expect(deviceLogin(url, o)).rejects.toThrow("the code expired before it was approved");
  expect(polls).toBe(120);
  expect(t.now()).toBe(600_000);
  script = [{ error: "expired_token" }];
  await expect(deviceLogin(url, { ...o, now: fakeTime().now })).rejects.toThrow("the code expired");
  script = [{ error: "access_denied" }];
  await expect(deviceLogin(url, { ...o, now: fakeTime().now })).rejects.toThrow("the sign-in was denied");
  expect(readCredentials(url, env)).toBeUndefined();
});
