#!/usr/bin/env node
// An LSP client on vscode-jsonrpc (the transport under vscode-languageclient,
// so the framing and message handling are VS Code's) that drives
// `ormlint lsp` as an editor does: initialize with the project as rootUri,
// open FILE, wait for its diagnostics, request code actions for the first
// diagnostic of CODE, apply the preferred quick fix's WorkspaceEdit to the
// text (UTF-16 positions: JavaScript strings are UTF-16) and send it as an
// incremental didChange, wait for the diagnostics of that version, hover on a
// diagnostic of another rule, shutdown + exit. Prints one JSON object on
// stdout for tests/e2e/test_lsp_clients.py.
//
//   node node_client.js ORMLINT ROOT FILE CODE
//
// vscode-jsonrpc is resolved from vscode/node_modules (npm ci in vscode/ puts
// it there: vscode-languageclient depends on it) or from NODE_PATH.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');
const { pathToFileURL } = require('url');

const repo = path.resolve(__dirname, '..', '..');
const rpc = require(require.resolve('vscode-jsonrpc/node', {
  paths: [path.join(repo, 'vscode', 'node_modules'), ...(process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean)],
}));

const [ormlint, root, file, code] = process.argv.slice(2);
const TIMEOUT_MS = 20000;

function offsetAt(text, pos) {
  // LSP Position -> index into a JS (UTF-16) string.
  let off = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  let end = text.indexOf('\n', off);
  if (end < 0) end = text.length;
  return Math.min(off + pos.character, end);
}

function applyEdits(text, edits) {
  // Non-overlapping TextEdits, all against the original text: apply from the
  // last to the first so earlier offsets stay valid. Equal starts keep their order.
  const sorted = edits.map((e, i) => ({ e, i, a: offsetAt(text, e.range.start), b: offsetAt(text, e.range.end) }))
    .sort((x, y) => (y.a - x.a) || (y.i - x.i));
  for (const { e, a, b } of sorted) text = text.slice(0, a) + e.newText + text.slice(b);
  return { text, sorted };
}

async function main() {
  const t0 = Date.now();
  const out = { stderr: '' };
  const child = spawn(ormlint, ['lsp'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (d) => { out.stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (c, sig) => resolve({ code: c, signal: sig })));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout),
                                           new rpc.StreamMessageWriter(child.stdin));
  const waiters = [];
  const published = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.push(p);
    for (const w of waiters.splice(0)) if (!w(p)) waiters.push(w);
  });
  conn.onNotification(() => {});
  conn.onRequest(() => null);  // workspace/configuration, client/registerCapability, ...
  conn.listen();
  const diagnosticsOf = (uri, version) => new Promise((resolve, reject) => {
    const ok = (p) => p.uri === uri && (version === undefined || p.version === undefined || p.version === version);
    const hit = published.find(ok);
    if (hit && version === undefined) return resolve(hit.diagnostics);
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version}`)), TIMEOUT_MS);
    waiters.push((p) => { if (!ok(p)) return false; clearTimeout(timer); resolve(p.diagnostics); return true; });
  });

  const init = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: null,
    clientInfo: { name: 'ormlint-node-client' },
    capabilities: { general: { positionEncodings: ['utf-16'] },
                    textDocument: { synchronization: { didSave: true },
                                    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, isPreferredSupport: true },
                                    hover: { contentFormat: ['markdown', 'plaintext'] },
                                    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } } },
  });
  out.positionEncoding = init.capabilities.positionEncoding;
  out.sync = init.capabilities.textDocumentSync;
  await conn.sendNotification('initialized', {});

  const uri = pathToFileURL(file).href;
  let text = fs.readFileSync(file, 'utf8');
  const opened = Date.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  const before = await diagnosticsOf(uri);
  out.open_ms = Date.now() - opened;
  out.before = before;

  const target = before.find((d) => d.code === code);
  if (!target) throw new Error(`no ${code} diagnostic on open`);
  const actions = await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: target.range, context: { diagnostics: [target], triggerKind: 1 },
  });
  out.actions = actions.map((a) => ({ title: a.title, kind: a.kind, isPreferred: !!a.isPreferred }));
  const fix = actions.find((a) => a.kind === 'quickfix' && a.isPreferred && a.edit);
  if (!fix) throw new Error('no preferred quick fix');
  out.fix_title = fix.title;
  const we = fix.edit;
  let edits = [];
  if (we.documentChanges) {
    for (const dc of we.documentChanges) {
      if (dc.textDocument.uri !== uri) throw new Error(`edit of another document ${dc.textDocument.uri}`);
      edits.push(...dc.edits);
    }
  } else {
    for (const [u, es] of Object.entries(we.changes || {})) {
      if (u !== uri) throw new Error(`edit of another document ${u}`);
      edits.push(...es);
    }
  }
  const applied = applyEdits(text, edits);
  text = applied.text;
  // One incremental didChange, the edits last-first: each range is still valid
  // in the text the previous change produced.
  const changed = Date.now();
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: applied.sorted.map(({ e }) => ({ range: e.range, text: e.newText })),
  });
  const after = await diagnosticsOf(uri, 2);
  out.change_ms = Date.now() - changed;
  out.after = after;
  out.text = text;

  const other = after.find((d) => d.code !== code);
  if (other) {
    out.hover_code = other.code;
    out.hover = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: other.range.start });
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  const { code: rc, signal } = await exited;
  conn.dispose();
  out.exit_code = rc;
  out.signal = signal;
  out.total_ms = Date.now() - t0;
  process.stdout.write(JSON.stringify(out) + '\n');
}

const guard = setTimeout(() => { console.error('node client: timed out'); process.exit(3); }, 4 * TIMEOUT_MS);
guard.unref();
main().catch((e) => { console.error(`node client: ${e.stack || e}`); process.exit(2); });
