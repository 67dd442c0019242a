// simple-chat: a Loom provider plugin for a JSON-over-HTTP chat API (one POST per model request,
// the whole answer in one JSON reply). Loom calls `chat` with {request, apiKey?, baseUrl?,
// settings}; the plugin sends the request with http_fetch and streams the answer back with
// emit_event. Wire format (README.md):
//   POST {baseUrl}/v1/chat  {model, system?, max_tokens?, tools: [{name, description, parameters}],
//                            messages: [{role, content, tool_calls?, tool_call_id?, is_error?}]}
//   200 {message: {content, tool_calls: [{id, name, arguments}]}, stop_reason, usage: {input_tokens, output_tokens}}
//   4xx/5xx {error: {message}}
import {
  emitEvent,
  fail,
  httpFetch,
  input,
  Json,
  JsonKind,
  jsonError,
  jsonString,
  output,
  parseJson,
  toJson,
} from "../../../runtime/src/plugins/as-sdk/loom.as";

const DEFAULT_BASE_URL = "http://127.0.0.1:8080";

function str(v: Json | null, fallback: string = ""): string {
  return v !== null && v.kind == JsonKind.String ? v.str : fallback;
}

function num(v: Json | null): i64 {
  return v !== null && v.kind == JsonKind.Number ? <i64>v.num : 0;
}

/** Loom's message model → the API's. */
function wireMessage(m: Json): string {
  const role = str(m.get("role"));
  let out = '{"role":' + jsonString(role) + ',"content":' + jsonString(str(m.get("content")));
  if (role == "tool") {
    out += ',"tool_call_id":' + jsonString(str(m.get("toolCallId")));
    const isError = m.get("isError");
    if (isError !== null && isError.kind == JsonKind.Bool && isError.bool) out += ',"is_error":true';
  }
  const calls = m.get("toolCalls");
  if (calls !== null && calls.kind == JsonKind.Array) {
    const parts: string[] = [];
    for (let i = 0; i < calls.items.length; i++) {
      const c = calls.items[i];
      const args = c.get("input");
      parts.push(
        '{"id":' + jsonString(str(c.get("id"))) + ',"name":' + jsonString(str(c.get("name"))) +
          ',"arguments":' + (args !== null ? toJson(args) : "{}") + "}",
      );
    }
    out += ',"tool_calls":[' + parts.join(",") + "]";
  }
  return out + "}";
}

function wireBody(req: Json): string {
  let body = '{"model":' + jsonString(str(req.get("model")));
  const system = req.get("system");
  if (system !== null && system.kind == JsonKind.String) body += ',"system":' + jsonString(system.str);
  const maxTokens = req.get("maxTokens");
  if (maxTokens !== null && maxTokens.kind == JsonKind.Number) body += ',"max_tokens":' + num(maxTokens).toString();
  const tools: string[] = [];
  const specs = req.get("tools");
  if (specs !== null && specs.kind == JsonKind.Array) {
    for (let i = 0; i < specs.items.length; i++) {
      const t = specs.items[i];
      const schema = t.get("inputSchema");
      tools.push(
        '{"name":' + jsonString(str(t.get("name"))) + ',"description":' + jsonString(str(t.get("description"))) +
          ',"parameters":' + (schema !== null ? toJson(schema) : "{}") + "}",
      );
    }
  }
  const messages: string[] = [];
  const list = req.get("messages");
  if (list !== null && list.kind == JsonKind.Array) {
    for (let i = 0; i < list.items.length; i++) messages.push(wireMessage(list.items[i]));
  }
  return body + ',"tools":[' + tools.join(",") + '],"messages":[' + messages.join(",") + "]}";
}

/** An API error as Loom's error event: the status says whether Loom retries (429, 5xx) or stops. */
function apiError(status: i64, res: Json): i32 {
  let message = "request failed";
  const body = parseJson(str(res.get("body")));
  if (body !== null && body.kind == JsonKind.Object) {
    const error = body.get("error");
    if (error !== null && error.kind == JsonKind.Object) message = str(error.get("message"), message);
  }
  let event = '{"type":"error","status":' + status.toString() + ',"message":' + jsonString(message);
  const headers = res.get("headers");
  if (headers !== null) {
    const retry = str(headers.get("retry-after"));
    if (retry.length > 0) event += ',"retryAfterMs":' + (<i64>(parseFloat(retry) * 1000)).toString();
  }
  emitEvent(event + "}");
  return fail("simple-chat: " + status.toString() + " " + message);
}

export function chat(): i32 {
  const call = parseJson(input());
  if (call === null) return fail("input is not valid JSON: " + jsonError);
  const req = call.get("request");
  if (req === null || req.kind != JsonKind.Object) return fail("input has no request");
  const base = str(call.get("baseUrl"), DEFAULT_BASE_URL);
  let headers = '{"content-type":"application/json"';
  const key = str(call.get("apiKey"));
  if (key.length > 0) headers += ',"authorization":' + jsonString("Bearer " + key);
  headers += "}";
  const fetched = httpFetch(
    '{"url":' + jsonString(base + "/v1/chat") + ',"method":"POST","headers":' + headers + ',"body":' +
      jsonString(wireBody(req)) + "}",
  );
  const res = parseJson(fetched);
  if (res === null) return fail("http_fetch answered no JSON");
  const status = num(res.get("status"));
  if (status < 200 || status > 299) return apiError(status, res);

  const reply = parseJson(str(res.get("body")));
  if (reply === null || reply.kind != JsonKind.Object) return fail("the chat API answered no JSON object: " + jsonError);
  const message = reply.get("message");
  if (message === null || message.kind != JsonKind.Object) return fail("the chat API's reply has no message");
  const text = str(message.get("content"));
  if (text.length > 0) emitEvent('{"type":"text.delta","text":' + jsonString(text) + "}");
  const calls = message.get("tool_calls");
  if (calls !== null && calls.kind == JsonKind.Array) {
    for (let i = 0; i < calls.items.length; i++) {
      const c = calls.items[i];
      const index = i.toString();
      emitEvent(
        '{"type":"tool_call.start","index":' + index + ',"id":' + jsonString(str(c.get("id"), "call_" + index)) +
          ',"name":' + jsonString(str(c.get("name"))) + "}",
      );
      const args = c.get("arguments");
      emitEvent(
        '{"type":"tool_call.delta","index":' + index + ',"argsDelta":' +
          jsonString(args !== null ? toJson(args) : "{}") + "}",
      );
    }
  }
  const usage = reply.get("usage");
  if (usage !== null && usage.kind == JsonKind.Object) {
    emitEvent(
      '{"type":"usage","usage":{"inputTokens":' + num(usage.get("input_tokens")).toString() + ',"outputTokens":' +
        num(usage.get("output_tokens")).toString() + "}}",
    );
  }
  const stop = str(reply.get("stop_reason"));
  if (stop == "end_turn" || stop == "tool_use" || stop == "max_tokens") output('{"finishReason":"' + stop + '"}');
  return 0;
}
