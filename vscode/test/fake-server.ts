// A stand-in for `ormlint lsp` in the extension tests: speaks LSP over stdio
// with Content-Length framing and appends what it gets, one JSON object a
// line, to the file named by FAKE_LSP_LOG. It answers initialize, codeAction
// (one source.fixAll.ormlint action that inserts "# fixed\n") and shutdown,
// and exits on exit; with --exit-after-initialized it exits (3) on initialized.
// On didOpen, and on a didChange with the whole text, it publishes one ORM001
// diagnostic on the last line whose message gives the length of the text.
import * as fs from 'fs';

const logFile = process.env.FAKE_LSP_LOG;
function log(entry: object): void {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
}

function send(message: object): void {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

log({ start: { argv: process.argv.slice(2), cwd: process.cwd() } });

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk: Buffer) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const m = /Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'));
    if (!m) throw new Error('no Content-Length');
    const length = Number(m[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(message);
  }
});

function handle(message: { id?: number; method?: string; params?: any }): void {
  log({ method: message.method, params: message.params });
  switch (message.method) {
    case 'initialize':
      send({
        id: message.id,
        result: {
          capabilities: {
            positionEncoding: 'utf-16',
            textDocumentSync: { openClose: true, change: 2, save: { includeText: false } },
            codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.ormlint'] },
          },
          serverInfo: { name: 'fake-ormlint', version: '0' },
        },
      });
      break;
    case 'textDocument/codeAction': {
      const uri = message.params.textDocument.uri;
      const only: string[] | undefined = message.params.context.only;
      const result =
        only && only.includes('source.fixAll.ormlint')
          ? [
              {
                title: 'ormlint: fix all',
                kind: 'source.fixAll.ormlint',
                edit: {
                  changes: {
                    [uri]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# fixed\n' }],
                  },
                },
              },
            ]
          : [];
      send({ id: message.id, result });
      break;
    }
    case 'textDocument/didOpen':
    case 'textDocument/didChange': {
      // One diagnostic on the last line, saying how long the text the server has is.
      const { uri, version } = message.params.textDocument;
      const text: string | undefined = message.params.textDocument.text ?? message.params.contentChanges.find((c: { range?: unknown }) => !c.range)?.text;
      if (text === undefined) break;
      const line = text.split('\n').length - 1;
      send({
        method: 'textDocument/publishDiagnostics',
        params: {
          uri,
          version,
          diagnostics: [
            {
              range: { start: { line, character: 0 }, end: { line, character: 1 } },
              severity: 2,
              code: 'ORM001',
              codeDescription: { href: 'https://example.invalid/ormlint/rules/ORM001' },
              source: 'ormlint',
              message: `text of ${text.length} characters`,
            },
          ],
        },
      });
      break;
    }
    case 'initialized':
      if (process.argv.includes('--exit-after-initialized')) process.exit(3);
      break;
    case 'shutdown':
      send({ id: message.id, result: null });
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      if (message.id !== undefined && message.method !== undefined) {
        send({ id: message.id, error: { code: -32601, message: `unhandled ${message.method}` } });
      }
  }
}
