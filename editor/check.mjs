// check.mjs drives vscode-json-languageservice, the engine behind VS Code's
// JSON support, over a JSON Schema and JSON documents, so tests can check
// what an editor shows: completions, hovers and diagnostics.
//
// Two modes:
//
//   node check.mjs REQUEST.json
//     REQUEST is {"schema": PATH, "ignoreSchemaKey": BOOL, "queries": [QUERY...]}
//     where a QUERY is
//       {"id": ID, "op": "validate" | "complete" | "hover",
//        "file": PATH  or  "text": JSON, "marker": "|"}
//     For complete and hover, the first occurrence of marker (default "|")
//     in the text is the cursor and is removed. Prints one JSON object:
//       {"results": {ID: {"diagnostics": [{"message", "line", "character",
//         "severity"}], "completions": [LABEL...], "hover": TEXT}}}
//     A document's "$schema" key, resolved against its path, takes
//     precedence over SCHEMA as in VS Code, except in validation when
//     ignoreSchemaKey is true.
//
//   node check.mjs --schema SCHEMA.json CONFIG.json...
//     Validates each config against the schema, whatever its "$schema"
//     key says, prints each problem as
//     FILE:LINE:COL: MESSAGE, and exits 1 if there was any.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getLanguageService } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';

function service(schemaPath) {
  const schemaURI = pathToFileURL(resolve(schemaPath)).href;
  const ls = getLanguageService({
    schemaRequestService: async (uri) => {
      if (!uri.startsWith('file:')) throw new Error(`only file schemas are loaded here, not ${uri}`);
      return readFileSync(fileURLToPath(uri), 'utf8');
    },
    // Resolves a relative "$schema" against the config, as VS Code does.
    workspaceContext: { resolveRelativePath: (rel, resource) => new URL(rel, resource).href },
  });
  // As VS Code's json.schemas setting with "fileMatch": ["*.json"].
  ls.configure({ validate: true, allowComments: false, schemas: [{ uri: schemaURI, fileMatch: ['*.json'] }] });
  return ls;
}

function documentFor(q, i) {
  let text = q.text ?? readFileSync(q.file, 'utf8');
  let offset = -1;
  if (q.op === 'complete' || q.op === 'hover') {
    const marker = q.marker ?? '|';
    offset = text.indexOf(marker);
    if (offset < 0) throw new Error(`query ${q.id}: no marker ${JSON.stringify(marker)} in text`);
    text = text.slice(0, offset) + text.slice(offset + marker.length);
  }
  const uri = q.file ? pathToFileURL(resolve(q.file)).href : `file:///formed-check/query-${i}.json`;
  return { doc: TextDocument.create(uri, 'json', 1, text), offset };
}

// validate returns the problems in doc. With schema (an object), a
// "$schema" key in doc is ignored.
async function validate(ls, doc, schema) {
  const json = ls.parseJSONDocument(doc);
  const diags = await ls.doValidation(doc, json, { schemaValidation: 'error', trailingCommas: 'error' }, schema);
  return diags.map((d) => ({
    message: d.message,
    line: d.range.start.line + 1,
    character: d.range.start.character + 1,
    severity: d.severity,
  }));
}

function hoverText(h) {
  if (!h) return '';
  const parts = Array.isArray(h.contents) ? h.contents : [h.contents];
  return parts.map((p) => (typeof p === 'string' ? p : p.value)).join('\n\n');
}

async function run(request) {
  const ls = service(request.schema);
  const schemaObject = JSON.parse(readFileSync(request.schema, 'utf8'));
  const results = {};
  for (const [i, q] of request.queries.entries()) {
    const { doc, offset } = documentFor(q, i);
    const json = ls.parseJSONDocument(doc);
    const r = {};
    switch (q.op) {
      case 'validate':
        r.diagnostics = await validate(ls, doc, request.ignoreSchemaKey ? schemaObject : undefined);
        break;
      case 'complete': {
        const list = await ls.doComplete(doc, doc.positionAt(offset), json);
        r.completions = (list?.items ?? []).map((it) => it.label).sort();
        break;
      }
      case 'hover':
        r.hover = hoverText(await ls.doHover(doc, doc.positionAt(offset), json));
        break;
      default:
        throw new Error(`query ${q.id}: unknown op ${JSON.stringify(q.op)}`);
    }
    results[q.id] = r;
  }
  return { results };
}

async function main(argv) {
  if (argv[0] === '--schema') {
    const [, schema, ...files] = argv;
    const ls = service(schema);
    const schemaObject = JSON.parse(readFileSync(schema, 'utf8'));
    let bad = 0;
    for (const [i, file] of files.entries()) {
      const { doc } = documentFor({ op: 'validate', file }, i);
      for (const d of await validate(ls, doc, schemaObject)) {
        console.log(`${file}:${d.line}:${d.character}: ${d.message}`);
        bad++;
      }
    }
    return bad ? 1 : 0;
  }
  if (argv.length !== 1) {
    console.error('usage: node check.mjs REQUEST.json | node check.mjs --schema SCHEMA.json CONFIG.json...');
    return 2;
  }
  const out = await run(JSON.parse(readFileSync(argv[0], 'utf8')));
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
