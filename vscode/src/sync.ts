// `ormlint.run: onSave`, done by the client: no didChange is forwarded while
// typing; when a file is saved, the server first gets the whole text of the
// document (one didChange with a range-less content change, as LSP allows under
// incremental sync) and then the didSave. The server therefore needs nothing
// special for onSave, and is not told about it: it analyses whenever it gets
// text, which is what the explicit code-action requests below rely on. Code actions asked for explicitly (Ctrl+., a source
// action such as source.fixAll.ormlint, the "Fix all" command) on a document
// the server has only an older version of first sync it, so that the edits
// they return fit the text; the automatic light-bulb requests on such a
// document get none, which would otherwise re-lint on every cursor move.
//
// No dependency on the `vscode` module: the extension passes adapters.

/** What the tracker needs of a document. `uri` is the protocol (string) URI. */
export interface SyncDoc {
  uri: string;
  version: number;
  text(): string;
}

export interface FullTextChange {
  textDocument: { uri: string; version: number };
  contentChanges: { text: string }[];
}

/** vscode.CodeActionTriggerKind.Invoke */
export const CODE_ACTION_TRIGGER_INVOKE = 1;

/** Which version of each open document the server has. */
export class OnSaveSync {
  private readonly serverVersion = new Map<string, number>();

  constructor(private readonly send: (change: FullTextChange) => Promise<void> | void) {}

  opened(doc: SyncDoc): void {
    this.serverVersion.set(doc.uri, doc.version);
  }

  closed(doc: SyncDoc): void {
    this.serverVersion.delete(doc.uri);
  }

  /** Open on the server, at an older version than the editor's. */
  isStale(doc: SyncDoc): boolean {
    const v = this.serverVersion.get(doc.uri);
    return v !== undefined && v !== doc.version;
  }

  /** Sends the whole text if the server's copy is stale; true if it did. */
  async sync(doc: SyncDoc): Promise<boolean> {
    if (!this.isStale(doc)) return false;
    const version = doc.version;
    this.serverVersion.set(doc.uri, version);
    await this.send({ textDocument: { uri: doc.uri, version }, contentChanges: [{ text: doc.text() }] });
    return true;
  }
}

interface CodeActionContextLike {
  readonly only?: unknown;
  readonly triggerKind?: number;
}

/**
 * The vscode-languageclient middleware for onSave (types kept structural:
 * D is vscode.TextDocument in the extension, a plain object in the tests).
 */
export function onSaveMiddleware<D, E, R, C extends CodeActionContextLike, T, A>(
  sync: OnSaveSync,
  toDoc: (d: D) => SyncDoc,
) {
  return {
    didOpen: async (d: D, next: (d: D) => Promise<void>): Promise<void> => {
      sync.opened(toDoc(d));
      await next(d);
    },
    didChange: async (_event: E, _next: (event: E) => Promise<void>): Promise<void> => {
      // Not forwarded: the server gets the text when the file is saved.
    },
    didSave: async (d: D, next: (d: D) => Promise<void>): Promise<void> => {
      await sync.sync(toDoc(d));
      await next(d);
    },
    didClose: async (d: D, next: (d: D) => Promise<void>): Promise<void> => {
      sync.closed(toDoc(d));
      await next(d);
    },
    provideCodeActions: async (
      d: D,
      range: R,
      context: C,
      token: T,
      next: (d: D, range: R, context: C, token: T) => A,
    ): Promise<Awaited<A> | []> => {
      const doc = toDoc(d);
      if (sync.isStale(doc)) {
        const asked = context.only !== undefined || context.triggerKind === CODE_ACTION_TRIGGER_INVOKE;
        if (!asked) return [];
        await sync.sync(doc);
      }
      return await next(d, range, context, token);
    },
  };
}
