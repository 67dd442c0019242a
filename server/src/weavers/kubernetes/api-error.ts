/**
 * Turns what the Kubernetes client throws (ApiException with a Status body, fetch failures, watch
 * and WebSocket errors) into one LoomError line: `Kubernetes API: pods "weaver-…" already exists (409 AlreadyExists)`.
 */
import { LoomError, type LoomErrorCode } from "@loom/runtime/errors";

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

function statusBody(body: unknown): StatusBody | undefined {
  if (typeof body === "string") {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return body !== null && typeof body === "object" ? (body as StatusBody) : undefined;
}

function codeFor(status: number): LoomErrorCode {
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 400 || status === 422) return "INVALID_INPUT";
  if (status === 401 || status === 403) return "PERMISSION_DENIED";
  if (status === 429) return "RATE_LIMITED";
  return "INTERNAL";
}

function httpStatus(e: { code?: unknown; statusCode?: unknown }): number | undefined {
  if (typeof e.code === "number") return e.code;
  if (typeof e.statusCode === "number") return e.statusCode;
  return undefined;
}

function causeText(e: unknown): string {
  let cur: unknown = e;
  let text = "";
  // A WebSocket ErrorEvent is no Error but carries a message ("Unexpected server response: 403").
  if (!(e instanceof Error) && typeof (e as { message?: unknown })?.message === "string")
    return ((e as { message: string }).message.split("\n")[0] ?? "").trim();
  for (let depth = 0; depth < 4 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    text = typeof code === "string" ? code : cur.message;
    cur = cur.cause;
  }
  return text.split("\n")[0] ?? "";
}

/** One line for any failure of a call to the API; `doing` says what was asked ("create pod weaver-…"). */
export function kubernetesError(e: unknown, doing: string, server?: string): LoomError {
  if (e instanceof LoomError) return e;
  const err = (e ?? {}) as { code?: unknown; statusCode?: unknown; body?: unknown };
  const status = httpStatus(err);
  if (status !== undefined) {
    const body = statusBody(err.body);
    // Without a Status body the client still names the status in its message ("Message: Unauthorized").
    const said = e instanceof Error ? /^Message: (.+)$/m.exec(e.message)?.[1] : undefined;
    const what = body?.message || (said && said !== "Unknown API Status Code!" ? said : `HTTP ${status}`);
    const why = body?.reason ? ` ${body.reason}` : "";
    return new LoomError(codeFor(status), oneLine(`Kubernetes API: ${doing}: ${what} (${status}${why})`), {
      status,
    });
  }
  const refused = /Unexpected server response: (\d{3})/.exec(causeText(e));
  if (refused) {
    const code = Number(refused[1]);
    return new LoomError(
      codeFor(code),
      `Kubernetes API: ${doing}: the WebSocket upgrade was refused (${code})`,
      {
        status: code,
      },
    );
  }
  const where = server ? ` at ${server}` : "";
  return new LoomError(
    "INTERNAL",
    oneLine(`Kubernetes API${where}: ${doing}: ${causeText(e) || String(e)}`),
    undefined,
    {
      cause: e,
    },
  );
}

/** The HTTP status behind a client error, when there is one (404 → unknown weaver). */
export function statusOf(e: unknown): number | undefined {
  return e !== null && typeof e === "object" ? httpStatus(e as { code?: unknown }) : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
