// The VS Code side: starts `ormlint lsp` with vscode-languageclient, keeps a
// status-bar item and the "ormlint" output channel, restarts the server when
// a setting changes, and contributes the Restart / Fix all commands.
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeTextDocumentNotification,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  RevealOutputChannelOn,
  State,
} from 'vscode-languageclient/node';
import {
  COMMANDS,
  DOCUMENT_SELECTOR,
  FIX_ALL_KIND,
  RESTART_KEYS,
  SECTION,
  WATCH_GLOBS,
  findExecutable,
  formatCommandLine,
  readConfig,
  resolveServerPath,
  serverOptions,
} from './settings';
import { OnSaveSync, SyncDoc, onSaveMiddleware } from './sync';

type Status = 'starting' | 'running' | 'stopped' | 'disabled' | 'error';

/** The server may crash this often in this window before it is left stopped. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

class Controller implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientListener: vscode.Disposable | undefined;
  private readonly output: vscode.OutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly watchers: vscode.FileSystemWatcher[];
  private readonly disposables: vscode.Disposable[] = [];
  /** Restarts and stops run one after another. */
  private queue: Promise<void> = Promise.resolve();
  private intentionalStop = false;
  private crashes: number[] = [];
  private commandLine = '';

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('ormlint');
    this.statusItem = vscode.window.createStatusBarItem('ormlint.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'ormlint';
    this.statusItem.command = COMMANDS.showOutput;
    this.watchers = WATCH_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    this.disposables.push(this.output, this.statusItem, ...this.watchers);
    this.setStatus('stopped');
    this.statusItem.show();
  }

  log(line: string): void {
    this.output.appendLine(`[client ${new Date().toISOString()}] ${line}`);
  }

  showOutput(): void {
    this.output.show(true);
  }

  setStatus(status: Status, detail?: string): void {
    const icons: Record<Status, string> = {
      starting: '$(sync~spin)',
      running: '$(check)',
      stopped: '$(circle-slash)',
      disabled: '$(circle-slash)',
      error: '$(error)',
    };
    this.statusItem.text = `${icons[status]} ormlint`;
    const what = detail ? `${status}: ${detail}` : status;
    const tooltip = [`ormlint language server: ${what}`];
    if (this.commandLine && status !== 'disabled') tooltip.push(this.commandLine);
    tooltip.push('Click to show the ormlint output.');
    this.statusItem.tooltip = tooltip.join('\n');
    this.statusItem.backgroundColor =
      status === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** (Re)starts the server with the current settings. */
  restart(reason: string): Promise<void> {
    const run = async () => {
      await this.stopClient();
      await this.startClient(reason);
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  stop(): Promise<void> {
    const run = () => this.stopClient();
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  get running(): LanguageClient | undefined {
    return this.client && this.client.state === State.Running ? this.client : undefined;
  }

  private async startClient(reason: string): Promise<void> {
    const config = readConfig((key) => vscode.workspace.getConfiguration(SECTION).get(key));
    if (!config.enable) {
      this.commandLine = '';
      this.log(`not starting (${reason}): ormlint.enable is false`);
      this.setStatus('disabled', 'ormlint.enable is false');
      return;
    }
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const env = { workspaceFolder };
    const exe = serverOptions(config, this.context.extensionPath, env);
    const { source } = resolveServerPath(config, this.context.extensionPath, env);
    this.commandLine = formatCommandLine(exe);
    this.log(`starting (${reason}): ${this.commandLine}  [binary from ${source}; run: ${config.run}]`);
    if (source === 'bundled') ensureExecutable(exe.command, (line) => this.log(line));
    if (findExecutable(exe.command) === undefined) {
      const where = source === 'PATH' ? 'on PATH' : source === 'bundled' ? 'in the extension' : '(ormlint.path)';
      this.log(`no executable ${exe.command} ${where}`);
      this.setStatus('error', `${exe.command} not found`);
      void this.startFailed(`ormlint: "${exe.command}" was not found ${where}. Install ormlint or set ormlint.path.`);
      return;
    }

    let client: LanguageClient | undefined;
    const toDoc = (d: vscode.TextDocument): SyncDoc => ({
      uri: client ? client.code2ProtocolConverter.asUri(d.uri) : d.uri.toString(),
      version: d.version,
      text: () => d.getText(),
    });
    const middleware: Middleware =
      config.run === 'onSave'
        ? (onSaveMiddleware<
            vscode.TextDocument,
            vscode.TextDocumentChangeEvent,
            vscode.Range,
            vscode.CodeActionContext,
            vscode.CancellationToken,
            unknown
          >(
            new OnSaveSync((change) => client?.sendNotification(DidChangeTextDocumentNotification.type, change)),
            toDoc,
          ) as Middleware)
        : {};

    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR.map((filter) => ({ ...filter })),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      diagnosticCollectionName: 'ormlint',
      // No configurationSection: a change of the settings restarts the server
      // with its new command line, so the server needs no
      // workspace/didChangeConfiguration (it would re-index the workspace).
      synchronize: { fileEvents: this.watchers },
      middleware,
      errorHandler: {
        error: (error, _message, count) => {
          this.log(`connection error: ${error.message}`);
          return { action: count !== undefined && count > 3 ? ErrorAction.Shutdown : ErrorAction.Continue, handled: true };
        },
        closed: () => {
          const now = Date.now();
          this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
          if (this.crashes.length <= MAX_RESTARTS) {
            this.log(`the server exited; restarting (${this.crashes.length} of ${MAX_RESTARTS} in 3 minutes)`);
            return { action: CloseAction.Restart, handled: true };
          }
          const message = `ormlint: the language server exited ${this.crashes.length} times in 3 minutes and is not restarted. See the output.`;
          this.setStatus('error', 'the server keeps exiting');
          void vscode.window.showErrorMessage(message, 'Show Output').then((pick) => pick && this.showOutput());
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };

    // No `transport`: with TransportKind.stdio vscode-languageclient would
    // append `--stdio` to the arguments; without one it talks over stdio all
    // the same and runs exactly `ormlint lsp [ormlint.args]`.
    client = new LanguageClient('ormlint', 'ormlint', { command: exe.command, args: exe.args, options: exe.options }, clientOptions);
    this.client = client;
    const started = client;
    this.clientListener = client.onDidChangeState((e) => {
      if (this.client !== started) return;
      if (e.newState === State.Starting) this.setStatus('starting');
      else if (e.newState === State.Running) this.setStatus('running');
      else if (!this.intentionalStop) this.setStatus('error', 'the server stopped');
      else this.setStatus('stopped');
    });
    this.setStatus('starting');
    try {
      await client.start();
      this.log('server running');
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.log(`could not start ${exe.command}: ${msg}`);
      this.setStatus('error', `could not start ${exe.command}`);
      void this.startFailed(`ormlint: could not start the language server "${exe.command}": ${msg}`);
    }
  }

  private async startFailed(message: string): Promise<void> {
    const pick = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    else if (pick === 'Show Output') this.showOutput();
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.clientListener?.dispose();
    this.clientListener = undefined;
    this.intentionalStop = true;
    try {
      await client.dispose(2000);
    } catch (e) {
      this.log(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.intentionalStop = false;
      this.client = undefined;
      this.crashes = [];
      this.setStatus('stopped');
    }
  }

  /** Applies the server's source.fixAll.ormlint action to the active editor. */
  async fixAll(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !vscode.languages.match(DOCUMENT_SELECTOR.map((f) => ({ ...f })), editor.document)) {
      void vscode.window.showInformationMessage('ormlint: open a Python file to fix.');
      return;
    }
    if (!this.running) {
      void vscode.window.showWarningMessage('ormlint: the language server is not running.', 'Show Output').then(
        (pick) => pick && this.showOutput(),
      );
      return;
    }
    const doc = editor.document;
    const last = doc.lineAt(doc.lineCount - 1).range.end;
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        new vscode.Range(new vscode.Position(0, 0), last),
        FIX_ALL_KIND,
        10,
      )) ?? [];
    const kind = vscode.CodeActionKind.Source.append('fixAll').append('ormlint');
    const ours = actions.filter((a) => a.kind !== undefined && kind.contains(a.kind));
    let applied = 0;
    for (const action of ours) {
      if (action.edit && (await vscode.workspace.applyEdit(action.edit))) applied++;
      if (action.command) {
        await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
        applied++;
      }
    }
    if (applied === 0) void vscode.window.setStatusBarMessage('ormlint: no safe fixes', 3000);
  }

  dispose(): void {
    this.clientListener?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A .vsix unpacked without file modes leaves bin/ormlint not executable. */
function ensureExecutable(file: string, log: (line: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) === 0) {
      fs.chmodSync(file, (mode & 0o7777) | 0o755);
      log(`made ${file} executable`);
    }
  } catch (e) {
    log(`cannot make ${file} executable: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const c = new Controller(context);
  controller = c;
  context.subscriptions.push(
    c,
    vscode.commands.registerCommand(COMMANDS.restart, () => c.restart('ormlint: Restart Server')),
    vscode.commands.registerCommand(COMMANDS.fixAll, () => c.fixAll()),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => c.showOutput()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const changed = RESTART_KEYS.filter((key) => e.affectsConfiguration(key));
      if (changed.length > 0) void c.restart(`changed ${changed.join(', ')}`);
    }),
  );
  await c.restart('activation');
}

export async function deactivate(): Promise<void> {
  const c = controller;
  controller = undefined;
  if (c) await c.stop();
}
