/** The redactor's exact rules: which secrets and key shapes go, and what is left alone. */
import { describe, expect, test } from "bun:test";
import { createRedactor } from "./redact.ts";

const R = "[redacted]";

describe("configured secrets", () => {
  test("every occurrence of a secret goes, as is and JSON-escaped", () => {
    const secret = 'pa"ss\\word-123';
    const redact = createRedactor(() => [secret]);
    expect(redact(`a ${secret} b ${secret}`)).toBe(`a ${R} b ${R}`);
    expect(redact(JSON.stringify({ key: secret }))).toBe(`{"key":"${R}"}`);
  });

  test("a secret of 8 characters is redacted, a shorter one is not (it would eat ordinary words)", () => {
    const redact = createRedactor(() => ["abcdefgh", "short12"]);
    expect(redact("x abcdefgh y short12 z")).toBe(`x ${R} y short12 z`);
  });

  test("the secrets are read on every call, so a rotated key is redacted at once", () => {
    let keys = ["first-secret-1"];
    const redact = createRedactor(() => keys);
    expect(redact("first-secret-1")).toBe(R);
    keys = ["second-secret-2"];
    expect(redact("first-secret-1 second-secret-2")).toBe(`first-secret-1 ${R}`);
  });
});

describe("key shapes, even when no configured secret matches", () => {
  const redact = createRedactor(() => []);

  test("sk- keys with at least 6 more characters, masked forms too", () => {
    expect(redact("key sk-abcdef end")).toBe(`key ${R} end`);
    expect(redact("key sk-proj-ab*****yz.1 end")).toBe(`key ${R} end`);
    expect(redact("key sk-abcde end")).toBe("key sk-abcde end");
    expect(redact("task-abcdefgh")).toBe("task-abcdefgh");
  });

  test("Google API keys: AIza and at least 20 more characters", () => {
    const key = `AIza${"B".repeat(20)}`;
    expect(redact(`k=${key}`)).toBe(`k=${R}`);
    expect(redact(`k=AIza${"B".repeat(19)}`)).toBe(`k=AIza${"B".repeat(19)}`);
  });

  test("Google OAuth access tokens: ya29. and at least 10 more characters", () => {
    expect(redact("Bearer ya29.a0AbCdEfGh")).toBe(`Bearer ${R}`);
    expect(redact("Bearer ya29.a0AbCdEfG")).toBe("Bearer ya29.a0AbCdEfG");
  });

  test("several shapes in one text all go; text around them stays", () => {
    expect(redact(`sk-abcdefgh and AIza${"x".repeat(25)} and ya29.${"y".repeat(12)}!`)).toBe(
      `${R} and ${R} and ${R}!`,
    );
  });
});

describe("character forms", () => {
  const secret = "corp/Key-7hx2Wq";
  const redact = createRedactor(() => [secret]);

  test("hexadecimal HTML character references (&#x6b;) are a form of the secret too", () => {
    const hexRefs = [...secret].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join("");
    expect(redact(`<p>${hexRefs}</p>`)).toBe(`<p>${R}</p>`);
  });

  test("backslashes before an ordinary character stay: only JSON's escapes of \" and / belong to the secret", () => {
    expect(redact(`C:\\\\dir\\${secret}`)).toBe(`C:\\\\dir\\${R}`);
    expect(redact(`corp\\/Key-7hx2Wq`)).toBe(R);
  });
});
