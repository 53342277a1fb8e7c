import assert = require('assert');
import { describe, it } from 'node:test';
import { CODE_ACTION_TRIGGER_INVOKE, FullTextChange, OnSaveSync, SyncDoc, onSaveMiddleware } from '../src/sync';

interface Doc {
  uri: string;
  version: number;
  content: string;
}
const toDoc = (d: Doc): SyncDoc => ({ uri: d.uri, version: d.version, text: () => d.content });

function setup() {
  const sent: FullTextChange[] = [];
  const forwarded: string[] = [];
  const sync = new OnSaveSync((c) => {
    sent.push(c);
  });
  const mw = onSaveMiddleware<Doc, { document: Doc }, string, { only?: string; triggerKind?: number }, string, string[]>(sync, toDoc);
  const next = (what: string) => async (d: Doc | { document: Doc }) => {
    forwarded.push(`${what} v${'document' in d ? d.document.version : d.version}`);
  };
  const codeActions = (d: Doc, context: { only?: string; triggerKind?: number }) =>
    mw.provideCodeActions(d, 'range', context, 'token', () => {
      forwarded.push(`codeAction v${d.version}`);
      return ['action'];
    });
  return { sent, forwarded, sync, mw, next, codeActions };
}

describe('OnSaveSync', () => {
  it('knows which documents the server has an older version of', async () => {
    const sent: FullTextChange[] = [];
    const sync = new OnSaveSync((c) => {
      sent.push(c);
    });
    const doc: Doc = { uri: 'file:///a.py', version: 1, content: 'x = 1\n' };
    assert.strictEqual(sync.isStale(toDoc(doc)), false, 'not open');
    sync.opened(toDoc(doc));
    assert.strictEqual(sync.isStale(toDoc(doc)), false);
    assert.strictEqual(await sync.sync(toDoc(doc)), false);
    doc.version = 4;
    doc.content = 'x = 2\n';
    assert.strictEqual(sync.isStale(toDoc(doc)), true);
    assert.strictEqual(await sync.sync(toDoc(doc)), true);
    assert.deepStrictEqual(sent, [{ textDocument: { uri: 'file:///a.py', version: 4 }, contentChanges: [{ text: 'x = 2\n' }] }]);
    assert.strictEqual(sync.isStale(toDoc(doc)), false);
    sync.closed(toDoc(doc));
    doc.version = 5;
    assert.strictEqual(await sync.sync(toDoc(doc)), false, 'closed documents are not sent');
  });
});

describe('onSave middleware', () => {
  it('forwards open, holds back changes, and sends the whole text before didSave', async () => {
    const { sent, forwarded, mw, next } = setup();
    const doc: Doc = { uri: 'file:///a.py', version: 1, content: 'a\n' };
    await mw.didOpen(doc, next('didOpen'));
    for (let i = 0; i < 3; i++) {
      doc.version++;
      doc.content += 'b';
      await mw.didChange({ document: doc }, next('didChange'));
    }
    assert.deepStrictEqual(forwarded, ['didOpen v1']);
    assert.deepStrictEqual(sent, []);
    await mw.didSave(doc, next('didSave'));
    assert.deepStrictEqual(sent, [{ textDocument: { uri: 'file:///a.py', version: 4 }, contentChanges: [{ text: 'a\nbbb' }] }]);
    assert.deepStrictEqual(forwarded, ['didOpen v1', 'didSave v4']);
    // A save without edits sends no text again.
    await mw.didSave(doc, next('didSave'));
    assert.strictEqual(sent.length, 1);
    await mw.didClose(doc, next('didClose'));
    assert.deepStrictEqual(forwarded.slice(-1), ['didClose v4']);
  });

  it('answers automatic code-action requests on a stale document with nothing', async () => {
    const { sent, forwarded, mw, next, codeActions } = setup();
    const doc: Doc = { uri: 'file:///a.py', version: 1, content: 'a\n' };
    await mw.didOpen(doc, next('didOpen'));
    assert.deepStrictEqual(await codeActions(doc, { triggerKind: 2 }), ['action'], 'in sync: asked');
    doc.version = 2;
    assert.deepStrictEqual(await codeActions(doc, { triggerKind: 2 }), [], 'stale: not asked');
    assert.deepStrictEqual(sent, []);
    assert.deepStrictEqual(forwarded, ['didOpen v1', 'codeAction v1']);
  });

  it('syncs a stale document before an explicit or source code-action request', async () => {
    const { sent, forwarded, mw, next, codeActions } = setup();
    const doc: Doc = { uri: 'file:///a.py', version: 1, content: 'a\n' };
    await mw.didOpen(doc, next('didOpen'));
    doc.version = 2;
    doc.content = 'a\nb\n';
    assert.deepStrictEqual(await codeActions(doc, { triggerKind: CODE_ACTION_TRIGGER_INVOKE }), ['action']);
    assert.deepStrictEqual(sent.map((c) => c.textDocument.version), [2]);
    doc.version = 3;
    assert.deepStrictEqual(await codeActions(doc, { only: 'source.fixAll.ormlint', triggerKind: 2 }), ['action']);
    assert.deepStrictEqual(sent.map((c) => c.textDocument.version), [2, 3]);
    assert.deepStrictEqual(forwarded, ['didOpen v1', 'codeAction v2', 'codeAction v3']);
  });
});
