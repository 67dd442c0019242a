/**
 * Test helper: the request a server test sends through `app.handle` — an optional bearer token, a
 * JSON body (a string is sent as it is), extra headers last.
 * @example
 * await app.handle(testRequest("PUT", `/api/threads/${t.id}`, { token, body: t }));
 */
export interface TestCall {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export function testRequest(method: string, path: string, o: TestCall = {}): Request {
  return new Request(`http://localhost${path}`, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body),
  });
}
