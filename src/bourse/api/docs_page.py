"""The interactive API docs page: one self-contained HTML file (no CDN, no build step).

It fetches ``openapi.json`` next to it, lists the operations by tag and offers a "try it"
form per operation (path and query parameters, a JSON body prefilled from the schema, the
Authorization header kept for the browser tab). Untrusted text is only ever set through
``textContent``.
"""

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bourse API</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
  details { border: 1px solid #ccd; border-radius: 4px; margin: .4rem 0; padding: .3rem .6rem; }
  summary { cursor: pointer; } code, textarea, pre { font: 12px/1.4 ui-monospace, monospace; }
  .method { display: inline-block; font-weight: bold; min-width: 4.2rem; }
  .GET { color: #1a7f37; } .POST { color: #0550ae; } .DELETE { color: #cf222e; }
  .PUT, .PATCH { color: #9a6700; } .lock { color: #888; }
  label { display: block; margin: .3rem 0; } input[type=text] { width: 28rem; max-width: 100%; }
  textarea { width: 100%; min-height: 7rem; }
  pre { background: #f6f8fa; overflow: auto; padding: .5rem; }
  #auth { width: 36rem; max-width: 100%; }
</style>
</head>
<body>
<h1 id="title">Bourse API</h1>
<p id="description"></p>
<label>Authorization header
  (e.g. <code>Bearer eyJ…</code> or <code>token api_key:access_token</code>)
  <input type="text" id="auth" autocomplete="off"></label>
<div id="operations">Loading openapi.json…</div>
<script>
"use strict";
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
};
const auth = document.getElementById("auth");
auth.value = sessionStorage.getItem("bourse-auth") || "";
auth.addEventListener("change", () => sessionStorage.setItem("bourse-auth", auth.value));

function resolve(doc, schema) {
  while (schema && schema.$ref) {
    schema = doc.components.schemas[schema.$ref.split("/").pop()];
  }
  return schema || {};
}

function sample(doc, schema, depth = 0) {
  schema = resolve(doc, schema);
  if (depth > 4) return null;
  if ("default" in schema) return schema.default;
  if (schema.examples && schema.examples.length) return schema.examples[0];
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(doc, schema.anyOf[0], depth + 1);
  switch (schema.type) {
    case "object": {
      const out = {};
      for (const name of schema.required || []) {
        out[name] = sample(doc, schema.properties[name], depth + 1);
      }
      return out;
    }
    case "array": return [];
    case "integer": case "number": return 0;
    case "boolean": return false;
    case "string": return "";
    default: return null;
  }
}

function tryIt(doc, path, method, op) {
  const form = el("form");
  const inputs = [];
  for (const parameter of op.parameters || []) {
    if (parameter.in === "header" && parameter.name.toLowerCase() === "authorization") continue;
    const input = el("input", { type: "text", name: parameter.name });
    inputs.push([parameter, input]);
    const where = `${parameter.in}${parameter.required ? ", required" : ""}`;
    form.append(el("label", {}, `${parameter.name} (${where}) `, input));
  }
  let body = null;
  if (op.requestBody) {
    const schema = op.requestBody.content["application/json"].schema;
    body = el("textarea", { value: JSON.stringify(sample(doc, schema), null, 2) });
    form.append(el("label", {}, "JSON body", body));
  }
  const output = el("pre");
  form.append(el("button", { type: "submit", textContent: "Send" }), output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const [parameter, input] of inputs) {
      if (input.value === "") continue;
      const value = encodeURIComponent(input.value);
      if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, value);
      else if (parameter.in === "query") query.append(parameter.name, input.value);
      else if (parameter.in === "header") headers[parameter.name] = input.value;
    }
    if (auth.value) headers["Authorization"] = auth.value;
    if (body) headers["Content-Type"] = "application/json";
    const qs = query.toString();
    output.textContent = "…";
    try {
      const response = await fetch(qs ? `${url}?${qs}` : url, {
        method: method.toUpperCase(), headers, body: body ? body.value : undefined,
      });
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (error) { /* not JSON */ }
      output.textContent = `${response.status} ${response.statusText}\\n\\n${shown}`;
    } catch (error) {
      output.textContent = String(error);
    }
  });
  return form;
}

async function main() {
  const container = document.getElementById("operations");
  let doc;
  try {
    doc = await (await fetch("openapi.json")).json();
  } catch (error) {
    container.textContent = `Could not load openapi.json: ${error}`;
    return;
  }
  document.getElementById("title").textContent = `${doc.info.title} ${doc.info.version}`;
  document.getElementById("description").textContent = doc.info.description || "";
  container.textContent = "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  for (const [tag, operations] of byTag) {
    container.append(el("h2", { textContent: tag }));
    for (const [path, method, op] of operations) {
      const verb = method.toUpperCase();
      const locked = op.security && op.security.length ? " \\u{1F512}" : "";
      const summary = el("summary", {},
        el("span", { className: `method ${verb}`, textContent: verb }),
        el("code", { textContent: path }), ` ${op.summary || ""}`,
        el("span", { className: "lock", textContent: locked }));
      const details = el("details", {}, summary);
      if (op.description) details.append(el("p", { textContent: op.description }));
      const statuses = Object.keys(op.responses || {}).join(", ");
      details.append(el("p", { textContent: `Responses: ${statuses}` }));
      details.append(tryIt(doc, path, method, op));
      container.append(details);
    }
  }
}
main();
</script>
</body>
</html>
"""
