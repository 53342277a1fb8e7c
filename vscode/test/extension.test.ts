// The bundled extension (dist/extension.js) loaded under plain Node against a
// fake `vscode` module, driving a fake language server (fake-server.ts) the
// way VS Code would: start, settings, restart, onSave, Fix all, disable, a
// missing binary, deactivate.
import assert = require('assert');
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { FakeDocument, FakeVSCode } from './fake-vscode';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface LogEntry {
  pid: number;
  start?: { argv: string[]; cwd: string };
  method?: string;
  params?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the extension in a fake VS Code', () => {
  let tmp: string;
  let logFile: string;
  let fake: FakeVSCode;
  let uninstall: () => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let extension: any;
  const context = { extensionPath: '', subscriptions: [] as { dispose(): unknown }[] };
  let doc: FakeDocument;

  const log = (): LogEntry[] =>
    fs.existsSync(logFile)
      ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : [];
  const servers = () => log().filter((e) => e.start);
  const messagesOf = (pid: number, method?: string) => log().filter((e) => e.pid === pid && e.method && (!method || e.method === method));
  const status = () => fake.statusItems[0];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ormlint-vscode-test-'));
    logFile = path.join(tmp, 'lsp.log');
    process.env.FAKE_LSP_LOG = logFile;
    const workspace = path.join(tmp, 'shop');
    fs.mkdirSync(workspace);
    context.extensionPath = path.join(tmp, 'extension'); // no bin/ormlint in it
    fs.mkdirSync(context.extensionPath);
    const server = path.join(tmp, 'fake-ormlint');
    fs.writeFileSync(server, `#!/bin/sh\nexec '${process.execPath}' '${path.join(__dirname, 'fake-server.js')}' "$@"\n`, { mode: 0o755 });
    fake = new FakeVSCode(workspace);
    fake.settings = { 'ormlint.path': server, 'ormlint.args': ['--select', 'ORM001'] };
    uninstall = fake.install();
    const entry = path.join(ROOT, pkg.main);
    delete require.cache[require.resolve(entry)];
    extension = require(entry);
  });

  after(async () => {
    for (const d of context.subscriptions) d.dispose();
    uninstall();
    delete process.env.FAKE_LSP_LOG;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('exports activate and deactivate', () => {
    assert.strictEqual(typeof extension.activate, 'function');
    assert.strictEqual(typeof extension.deactivate, 'function');
  });

  it('starts `ormlint lsp` with ormlint.args in the workspace folder', async () => {
    await extension.activate(context);
    const [server] = await waitFor('a server', () => servers().length === 1 && servers());
    assert.deepStrictEqual(server.start!.argv, ['lsp', '--select', 'ORM001']);
    assert.strictEqual(fs.realpathSync(server.start!.cwd), fs.realpathSync(fake.workspaceFolder));
    const [init] = await waitFor('initialize', () => messagesOf(server.pid, 'initialize').length === 1 && messagesOf(server.pid, 'initialize'));
    // The client does onSave itself; the server's own onSave mode stays off.
    assert.strictEqual(init.params.initializationOptions, undefined);
    assert.ok(init.params.capabilities.general.positionEncodings.includes('utf-16'));
    await waitFor('initialized', () => messagesOf(server.pid, 'initialized').length === 1);
    await waitFor('the running status', () => status().text.includes('$(check)'));
  });

  it('registers the contributed commands, an output channel and a status-bar item', () => {
    assert.deepStrictEqual([...fake.commands.keys()].sort(), pkg.contributes.commands.map((c: { command: string }) => c.command).sort());
    assert.strictEqual(fake.statusItems.length, 1);
    assert.strictEqual(status().command, 'ormlint.showOutput');
    assert.ok(status().visible);
    assert.match(status().tooltip, /ormlint language server: running/);
    assert.ok(fake.outputLines.some((l) => /starting \(activation\): .*fake-ormlint lsp --select ORM001/.test(l)));
  });

  it('watches **/*.py, **/pyproject.toml and the templates', () => {
    assert.deepStrictEqual(fake.watcherGlobs, ['**/*.py', '**/pyproject.toml', '**/*templates/**/*.{html,htm,jinja,jinja2,j2}']);
  });

  it('sends didOpen and, as you type, incremental didChange', async () => {
    const [server] = servers();
    doc = fake.openDocument(path.join(fake.workspaceFolder, 'app.py'), 'import db\n');
    fake.openDocument(path.join(fake.workspaceFolder, 'notes.txt'), 'hello', 'plaintext');
    const [open] = await waitFor('didOpen', () => messagesOf(server.pid, 'textDocument/didOpen').length > 0 && messagesOf(server.pid, 'textDocument/didOpen'));
    assert.strictEqual(open.params.textDocument.languageId, 'python');
    assert.strictEqual(open.params.textDocument.text, 'import db\n');
    fake.type(doc, 'x');
    const [change] = await waitFor('didChange', () => messagesOf(server.pid, 'textDocument/didChange').length > 0 && messagesOf(server.pid, 'textDocument/didChange'));
    assert.deepStrictEqual(change.params.contentChanges, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, rangeLength: 0, text: 'x' }]);
    assert.strictEqual(messagesOf(server.pid, 'textDocument/didOpen').length, 1, 'the text file is not sent');
  });

  it('shows the diagnostics the server publishes, with code, link and source', async () => {
    const published = await waitFor('diagnostics', () => fake.diagnostics.get('ormlint')?.get(doc.uri.toString()));
    assert.strictEqual(published.length, 1);
    const [d] = published;
    assert.strictEqual(d.message, 'text of 10 characters');
    assert.strictEqual(d.source, 'ormlint');
    assert.strictEqual(d.severity, 1);
    const code = d.code as { value: string; target: { toString(): string } };
    assert.strictEqual(code.value, 'ORM001');
    assert.strictEqual(code.target.toString(), 'https://example.invalid/ormlint/rules/ORM001');
    assert.deepStrictEqual([d.range.start.line, d.range.start.character], [1, 0]);
  });

  it('restarts with the new settings when ormlint.run changes, and then holds changes back until save', async () => {
    const [first] = servers();
    fake.changeSettings({ 'ormlint.run': 'onSave' });
    const second = (await waitFor('a second server', () => servers().length === 2 && servers()))[1];
    await waitFor('the old server to exit', () => messagesOf(first.pid, 'exit').length === 1);
    assert.strictEqual(messagesOf(first.pid, 'shutdown').length, 1);
    const [init] = await waitFor('initialize', () => messagesOf(second.pid, 'initialize').length === 1 && messagesOf(second.pid, 'initialize'));
    assert.strictEqual(init.params.initializationOptions, undefined);
    assert.ok(fake.outputLines.some((l) => /starting \(changed ormlint\.run\): .*run: onSave/.test(l)));
    const [open] = await waitFor('didOpen again', () => messagesOf(second.pid, 'textDocument/didOpen').length > 0 && messagesOf(second.pid, 'textDocument/didOpen'));
    assert.strictEqual(open.params.textDocument.text, 'import db\nx');

    fake.type(doc, 'y');
    fake.type(doc, 'z');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(messagesOf(second.pid, 'textDocument/didChange'), [], 'no didChange while typing');
    fake.save(doc);
    await waitFor('didSave', () => messagesOf(second.pid, 'textDocument/didSave').length === 1);
    const changes = messagesOf(second.pid, 'textDocument/didChange');
    assert.strictEqual(changes.length, 1);
    assert.deepStrictEqual(changes[0].params, { textDocument: { uri: doc.uri.toString(), version: doc.version }, contentChanges: [{ text: 'import db\nxyz' }] });
    const methods = messagesOf(second.pid).map((e) => e.method);
    assert.ok(methods.lastIndexOf('textDocument/didChange') < methods.lastIndexOf('textDocument/didSave'), 'the text comes before didSave');
    await waitFor('the diagnostics of the saved text', () => fake.diagnostics.get('ormlint')?.get(doc.uri.toString())?.[0]?.message === 'text of 13 characters');
  });

  it('"Fix all" brings the server up to date, asks for source.fixAll.ormlint and applies it', async () => {
    const [, server] = servers();
    fake.type(doc, '\n');
    fake.activeTextEditor = { document: doc };
    await fake.commands.get('ormlint.fixAll')!();
    const [request] = messagesOf(server.pid, 'textDocument/codeAction');
    assert.deepStrictEqual(request.params.context.only, ['source.fixAll.ormlint']);
    const changes = messagesOf(server.pid, 'textDocument/didChange');
    assert.strictEqual(changes[changes.length - 1].params.contentChanges[0].text, 'import db\nxyz\n', 'synced before the request');
    assert.strictEqual(fake.appliedEdits.length, 1);
    assert.deepStrictEqual(
      fake.appliedEdits[0].edits.map((e) => [e.uri.toString(), e.range.start.line, e.range.start.character, e.newText]),
      [[doc.uri.toString(), 0, 0, '# fixed\n']],
    );
  });

  it('"Fix all" on a non-Python editor says so', async () => {
    fake.activeTextEditor = { document: fake.documents[1] };
    await fake.commands.get('ormlint.fixAll')!();
    assert.match(fake.messages[fake.messages.length - 1], /open a Python file/);
  });

  it('stops the server when ormlint.enable is turned off', async () => {
    const [, second] = servers();
    fake.changeSettings({ 'ormlint.enable': false });
    await waitFor('the server to exit', () => messagesOf(second.pid, 'exit').length === 1);
    await waitFor('the disabled status', () => /disabled/.test(status().tooltip));
    assert.ok(status().text.includes('$(circle-slash)'));
    await fake.commands.get('ormlint.restart')!();
    assert.strictEqual(servers().length, 2, 'Restart Server keeps a disabled server stopped');
  });

  it('shows an error status, and one message, when the binary is not there', async () => {
    const before = fake.messages.length;
    fake.changeSettings({ 'ormlint.enable': true, 'ormlint.path': path.join(tmp, 'no-such-ormlint') });
    await waitFor('the error status', () => status().text.includes('$(error)'));
    await waitFor('an error message', () => fake.messages.length > before);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(fake.messages.slice(before), [`error: ormlint: "${path.join(tmp, 'no-such-ormlint')}" was not found (ormlint.path). Install ormlint or set ormlint.path.`]);
    assert.ok(status().backgroundColor);
    assert.match(status().tooltip, /not found/);
    assert.strictEqual(servers().length, 2);
  });

  it('runs the bundled bin/ormlint when ormlint.path is the default, making it executable', async () => {
    const bundled = path.join(context.extensionPath, 'bin', 'ormlint');
    fs.mkdirSync(path.dirname(bundled));
    fs.copyFileSync(path.join(tmp, 'fake-ormlint'), bundled);
    fs.chmodSync(bundled, 0o644);
    fake.changeSettings({ 'ormlint.path': 'ormlint' });
    const third = (await waitFor('a third server', () => servers().length === 3 && servers()))[2];
    assert.deepStrictEqual(third.start!.argv, ['lsp', '--select', 'ORM001']);
    await waitFor('the running status', () => status().text.includes('$(check)'));
    assert.ok(fake.outputLines.some((l) => l.includes(`made ${bundled} executable`)));
    assert.ok(fake.outputLines.some((l) => /\[binary from bundled; run: onSave\]/.test(l)));
    assert.deepStrictEqual(messagesOf(third.pid, 'workspace/didChangeConfiguration'), [], 'settings changes restart; the server gets none');
  });

  it('restarts a server that exits, and gives up after 5 exits in 3 minutes', async () => {
    const before = servers().length;
    fake.changeSettings({ 'ormlint.args': ['--exit-after-initialized'] });
    await waitFor('the error status', () => status().text.includes('$(error)'), 30000);
    await waitFor('an error message', () => fake.messages.some((m) => /exited 5 times in 3 minutes/.test(m)));
    await new Promise((r) => setTimeout(r, 300));
    const crashing = servers().slice(before);
    assert.strictEqual(crashing.length, 5);
    for (const s of crashing) assert.deepStrictEqual(s.start!.argv, ['lsp', '--exit-after-initialized']);
  });

  it('"Restart Server" starts a fresh server, and deactivate shuts it down', async () => {
    fake.changeSettings({ 'ormlint.args': [] });
    const count = servers().length;
    const next = (await waitFor('a new server', () => servers().length === count + 1 && servers()))[count];
    await waitFor('the running status', () => status().text.includes('$(check)'));
    await fake.commands.get('ormlint.restart')!();
    const last = (await waitFor('another server', () => servers().length === count + 2 && servers()))[count + 1];
    await waitFor('the previous server to exit', () => messagesOf(next.pid, 'exit').length === 1);
    await waitFor('the running status', () => status().text.includes('$(check)'));
    await extension.deactivate();
    await waitFor('the last server to exit', () => messagesOf(last.pid, 'exit').length === 1);
    assert.strictEqual(messagesOf(last.pid, 'shutdown').length, 1);
    assert.ok(status().text.includes('$(circle-slash)'));
  });
});
