// Just enough of the `vscode` API to load the bundled extension under plain
// Node and run it against a fake language server: the members that the
// extension and vscode-languageclient use are implemented; any other member is
// an inert stub (callable, constructible, returns disposables).
/* eslint-disable @typescript-eslint/no-explicit-any */
import Module = require('module');
import * as path from 'path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (listener: Listener<T>, thisArg?: unknown) => {
    const bound: Listener<T> = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(bound);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== bound);
    });
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  async fireAsync(e: T): Promise<void> {
    for (const l of [...this.listeners]) await l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => {}) {}
  static from(...ds: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => ds.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', '', p);
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/([^/]*))?(.*)$/i.exec(s);
    return m ? new Uri(m[1], m[2] ?? '', decodeURIComponent(m[3])) : new Uri('file', '', s);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    const hasAuthority = this.scheme === 'file' || this.authority !== '';
    return `${this.scheme}:${hasAuthority ? `//${this.authority}` : ''}${encodeURI(this.path)}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, authority: this.authority, path: this.path };
  }
  with(change: { scheme?: string; authority?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path);
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: any, b: any, c?: number, d?: number) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

export class CodeActionKind {
  constructor(readonly value: string) {}
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export class CodeAction {
  kind?: CodeActionKind;
  edit?: WorkspaceEdit;
  command?: { command: string; arguments?: unknown[] };
  constructor(
    readonly title: string,
    kind?: CodeActionKind,
  ) {
    this.kind = kind;
  }
}

export class TextEdit {
  constructor(
    readonly range: Range,
    readonly newText: string,
  ) {}
}

export class WorkspaceEdit {
  set(uri: Uri, edits: TextEdit[]): void {
    for (const e of edits) this.edits.push({ uri, range: e.range, newText: e.newText });
  }
  readonly edits: { uri: Uri; range: Range; newText: string }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri, range, newText });
  }
  insert(uri: Uri, position: Position, newText: string): void {
    this.edits.push({ uri, range: new Range(position, position), newText });
  }
  get size(): number {
    return new Set(this.edits.map((e) => e.uri.toString())).size;
  }
}

export class Diagnostic {
  code?: unknown;
  source?: string;
  relatedInformation?: unknown[];
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number = 0,
  ) {}
}

export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}

export class DiagnosticRelatedInformation {
  constructor(
    readonly location: Location,
    readonly message: string,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

/** An inert stand-in for anything not implemented here. */
function stub(name: string): any {
  const target = function () {} as any;
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(t, prop)) return t[prop];
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => {};
      if (prop === 'toString' || prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      return new Disposable();
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

function withStubs<T extends object>(name: string, obj: T): T {
  return new Proxy(obj, {
    get(t: any, prop) {
      if (prop in t) return t[prop];
      if (typeof prop === 'symbol' || prop === 'then' || prop === '__esModule') return undefined;
      return stub(`${name}.${prop}`);
    },
  });
}

export interface FakeDocument {
  uri: Uri;
  fileName: string;
  languageId: string;
  version: number;
  isDirty: boolean;
  isClosed: boolean;
  isUntitled: boolean;
  lineCount: number;
  getText(): string;
}

/** A fake VS Code session: settings, events, what the extension registered and showed. */
export class FakeVSCode {
  settings: Record<string, unknown> = {};
  readonly commands = new Map<string, (...args: any[]) => unknown>();
  readonly messages: string[] = [];
  readonly statusItems: any[] = [];
  readonly outputLines: string[] = [];
  readonly watcherGlobs: string[] = [];
  readonly documents: FakeDocument[] = [];
  readonly appliedEdits: WorkspaceEdit[] = [];
  /** The diagnostics each collection holds, by collection name and document URI. */
  readonly diagnostics = new Map<string, Map<string, Diagnostic[]>>();
  readonly codeActionProviders: { selector: any; provider: any }[] = [];
  activeTextEditor: { document: FakeDocument } | undefined;
  readonly onDidChangeConfiguration = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
  readonly onDidOpenTextDocument = new EventEmitter<FakeDocument>();
  readonly onDidChangeTextDocument = new EventEmitter<any>();
  readonly onDidSaveTextDocument = new EventEmitter<FakeDocument>();
  readonly onDidCloseTextDocument = new EventEmitter<FakeDocument>();
  readonly module: any;

  constructor(readonly workspaceFolder: string) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    const configuration = (section?: string) =>
      withStubs('WorkspaceConfiguration', {
        get(key: string, def?: unknown) {
          const full = section ? `${section}.${key}` : key;
          return full in fake.settings ? fake.settings[full] : def;
        },
        has(key: string) {
          return (section ? `${section}.${key}` : key) in fake.settings;
        },
        inspect() {
          return undefined;
        },
        update() {
          return Promise.resolve();
        },
      });
    const matches = (selector: any, doc: FakeDocument): number => {
      const filters = Array.isArray(selector) ? selector : [selector];
      for (const f of filters) {
        if (typeof f === 'string' ? f === doc.languageId : (!f.language || f.language === doc.languageId) && (!f.scheme || f.scheme === doc.uri.scheme) && !f.notebookType)
          return 10;
      }
      return 0;
    };
    this.module = withStubs('vscode', {
      version: '1.82.0',
      EventEmitter,
      Disposable,
      CancellationTokenSource,
      Uri,
      Position,
      Range,
      CodeActionKind,
      CodeAction,
      WorkspaceEdit,
      TextEdit,
      Diagnostic,
      Location,
      DiagnosticRelatedInformation,
      ThemeColor,
      StatusBarAlignment: { Left: 1, Right: 2 },
      CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
      TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      CancellationError: class CancellationError extends Error {},
      env: withStubs('env', { appName: 'Fake Code', language: 'en', machineId: 'fake', sessionId: 'fake', uriScheme: 'vscode' }),
      workspace: withStubs('workspace', {
        get workspaceFolders() {
          return [{ uri: Uri.file(fake.workspaceFolder), name: path.basename(fake.workspaceFolder), index: 0 }];
        },
        get textDocuments() {
          return fake.documents;
        },
        getConfiguration: configuration,
        getWorkspaceFolder: () => undefined,
        applyEdit(edit: WorkspaceEdit) {
          fake.appliedEdits.push(edit);
          return Promise.resolve(true);
        },
        onDidChangeConfiguration: this.onDidChangeConfiguration.event,
        onDidOpenTextDocument: this.onDidOpenTextDocument.event,
        onDidChangeTextDocument: this.onDidChangeTextDocument.event,
        onDidSaveTextDocument: this.onDidSaveTextDocument.event,
        onDidCloseTextDocument: this.onDidCloseTextDocument.event,
        createFileSystemWatcher(glob: string) {
          fake.watcherGlobs.push(glob);
          return withStubs('FileSystemWatcher', {
            onDidCreate: () => new Disposable(),
            onDidChange: () => new Disposable(),
            onDidDelete: () => new Disposable(),
            dispose() {},
          });
        },
      }),
      window: withStubs('window', {
        get activeTextEditor() {
          return fake.activeTextEditor;
        },
        visibleTextEditors: [],
        tabGroups: withStubs('tabGroups', { all: [], onDidChangeTabs: () => new Disposable() }),
        createOutputChannel(name: string) {
          return withStubs('OutputChannel', {
            name,
            append: (s: string) => fake.outputLines.push(s),
            appendLine: (s: string) => fake.outputLines.push(s),
            show() {},
            hide() {},
            clear() {},
            replace() {},
            dispose() {},
          });
        },
        createStatusBarItem(id: string) {
          const item: any = { id, text: '', tooltip: '', visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() {} };
          fake.statusItems.push(item);
          return item;
        },
        showErrorMessage: (m: string) => (fake.messages.push(`error: ${m}`), Promise.resolve(undefined)),
        showWarningMessage: (m: string) => (fake.messages.push(`warning: ${m}`), Promise.resolve(undefined)),
        showInformationMessage: (m: string) => (fake.messages.push(`info: ${m}`), Promise.resolve(undefined)),
        setStatusBarMessage: (m: string) => (fake.messages.push(`status: ${m}`), new Disposable()),
      }),
      commands: withStubs('commands', {
        registerCommand(id: string, fn: (...args: any[]) => unknown) {
          if (fake.commands.has(id)) throw new Error(`command ${id} already registered`);
          fake.commands.set(id, fn);
          return new Disposable(() => fake.commands.delete(id));
        },
        executeCommand(id: string, ...args: any[]) {
          if (id === 'vscode.executeCodeActionProvider') return fake.executeCodeActionProvider(args[0], args[1], args[2]);
          return Promise.resolve(fake.commands.get(id)?.(...args));
        },
      }),
      languages: withStubs('languages', {
        match: matches,
        registerCodeActionsProvider(selector: any, provider: any) {
          const entry = { selector, provider };
          fake.codeActionProviders.push(entry);
          return new Disposable(() => fake.codeActionProviders.splice(fake.codeActionProviders.indexOf(entry), 1));
        },
        createDiagnosticCollection(name: string) {
          const byUri = new Map<string, Diagnostic[]>();
          fake.diagnostics.set(name, byUri);
          return withStubs('DiagnosticCollection', {
            name,
            set(uri: Uri | [Uri, Diagnostic[]][], diagnostics?: Diagnostic[]) {
              if (Array.isArray(uri)) for (const [u, ds] of uri) byUri.set(u.toString(), ds);
              else byUri.set(uri.toString(), diagnostics ?? []);
            },
            get: (uri: Uri) => byUri.get(uri.toString()),
            delete: (uri: Uri) => byUri.delete(uri.toString()),
            clear: () => byUri.clear(),
            forEach() {},
            dispose: () => fake.diagnostics.delete(name),
          });
        },
      }),
    });
  }

  /** What VS Code's vscode.executeCodeActionProvider does, for the providers registered here. */
  async executeCodeActionProvider(uri: Uri, range: Range, kind?: string): Promise<CodeAction[]> {
    const doc = this.documents.find((d) => d.uri.toString() === uri.toString());
    if (!doc) return [];
    const context = { diagnostics: [], only: kind ? CodeActionKind.Empty.append(kind) : undefined, triggerKind: 1 };
    const token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() };
    const results: CodeAction[] = [];
    for (const { selector, provider } of this.codeActionProviders) {
      if (!this.module.languages.match(selector, doc)) continue;
      const actions = (await provider.provideCodeActions(doc, range, context, token)) ?? [];
      results.push(...actions);
    }
    return results;
  }

  openDocument(file: string, text: string, languageId = 'python'): FakeDocument {
    let content = text;
    const doc: FakeDocument = {
      uri: Uri.file(file),
      fileName: file,
      languageId,
      version: 1,
      isDirty: false,
      isClosed: false,
      isUntitled: false,
      get lineCount() {
        return content.split('\n').length;
      },
      getText: () => content,
      lineAt(line: number) {
        const text = content.split('\n')[line] ?? '';
        return { text, range: new Range(line, 0, line, text.length) };
      },
    } as FakeDocument;
    (doc as any).setText = (t: string) => {
      content = t;
    };
    this.documents.push(doc);
    this.onDidOpenTextDocument.fire(doc);
    return doc;
  }

  /** Appends text at the end, as typing would, and fires the change event. */
  type(doc: FakeDocument, added: string): void {
    const before = doc.getText();
    const lines = before.split('\n');
    const end = new Position(lines.length - 1, lines[lines.length - 1].length);
    (doc as any).setText(before + added);
    doc.version++;
    doc.isDirty = true;
    this.onDidChangeTextDocument.fire({ document: doc, contentChanges: [{ range: new Range(end, end), rangeOffset: before.length, rangeLength: 0, text: added }], reason: undefined });
  }

  save(doc: FakeDocument): void {
    doc.isDirty = false;
    this.onDidSaveTextDocument.fire(doc);
  }

  changeSettings(changes: Record<string, unknown>): void {
    Object.assign(this.settings, changes);
    const keys = Object.keys(changes);
    this.onDidChangeConfiguration.fire({
      affectsConfiguration: (section: string) => keys.some((k) => k === section || k.startsWith(`${section}.`) || section.startsWith(`${k}.`)),
    });
  }

  /** Makes `require('vscode')` return this fake until the returned function is called. */
  install(): () => void {
    const mod = Module as any;
    const original = mod._load;
    const fakeModule = this.module;
    mod._load = function (request: string, ...rest: unknown[]) {
      if (request === 'vscode') return fakeModule;
      return original.call(this, request, ...rest);
    };
    return () => {
      mod._load = original;
    };
  }
}
