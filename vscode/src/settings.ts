// Settings, command ids and the server command line: pure functions with no
// dependency on the `vscode` module, so that the unit tests can import them
// under plain Node.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SECTION = 'ormlint';

export type RunMode = 'onType' | 'onSave';

export interface OrmlintConfig {
  /** Start the language server at all. */
  enable: boolean;
  /** The ormlint executable; "ormlint" (the default) means the bundled binary or PATH. */
  path: string;
  /** Extra arguments, appended after `lsp`. */
  args: string[];
  /** Analyse as you type, or only when a file is saved. */
  run: RunMode;
}

export const DEFAULTS: Readonly<OrmlintConfig> = Object.freeze({
  enable: true,
  path: 'ormlint',
  args: [],
  run: 'onType',
});

/** The settings whose change restarts the server (ormlint.trace.server does not). */
export const RESTART_KEYS: readonly string[] = ['enable', 'path', 'args', 'run'].map((k) => `${SECTION}.${k}`);

export const COMMANDS = Object.freeze({
  restart: 'ormlint.restart',
  fixAll: 'ormlint.fixAll',
  showOutput: 'ormlint.showOutput',
});

/** The code action kind of "apply every safe fix in the file". */
export const FIX_ALL_KIND = 'source.fixAll.ormlint';

/** Jinja templates: the server reads those of the project's templates folders. */
export const TEMPLATE_GLOB = '**/*templates/**/*.{html,htm,jinja,jinja2,j2}';

export const DOCUMENT_SELECTOR = Object.freeze([
  Object.freeze({ scheme: 'file', language: 'python' }),
  Object.freeze({ scheme: 'untitled', language: 'python' }),
  Object.freeze({ scheme: 'file', language: 'jinja-html', pattern: TEMPLATE_GLOB }),
  Object.freeze({ scheme: 'file', language: 'jinja', pattern: TEMPLATE_GLOB }),
  Object.freeze({ scheme: 'file', language: 'html', pattern: TEMPLATE_GLOB }),
]);

/** Files whose changes are forwarded with workspace/didChangeWatchedFiles. */
export const WATCH_GLOBS: readonly string[] = ['**/*.py', '**/pyproject.toml', TEMPLATE_GLOB];

/**
 * Reads the settings through `get` (in the extension:
 * workspace.getConfiguration('ormlint').get) and sanitises them: a value of
 * the wrong type falls back to its default, and only strings are kept in args.
 */
export function readConfig(get: (key: string) => unknown): OrmlintConfig {
  const enable = get('enable');
  const p = get('path');
  const args = get('args');
  const run = get('run');
  return {
    enable: typeof enable === 'boolean' ? enable : DEFAULTS.enable,
    path: typeof p === 'string' && p.trim() !== '' ? p.trim() : DEFAULTS.path,
    args: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [...DEFAULTS.args],
    run: run === 'onSave' || run === 'onType' ? run : DEFAULTS.run,
  };
}

/** Where a packaged extension carries its own ormlint binary. */
export function bundledBinary(extensionPath: string, platform: string = process.platform): string {
  return path.join(extensionPath, 'bin', platform === 'win32' ? 'ormlint.exe' : 'ormlint');
}

export interface ServerEnvironment {
  /** The first workspace folder, if any: `${workspaceFolder}` and relative paths resolve against it, and the server runs in it. */
  workspaceFolder?: string;
  /** Defaults to fs.existsSync; injected by the tests. */
  exists?: (file: string) => boolean;
  platform?: string;
  homedir?: string;
}

/** The command line of the language server: what vscode-languageclient's `Executable` takes (stdio transport). */
export interface ServerExecutable {
  command: string;
  args: string[];
  options?: { cwd?: string };
}

export type ServerSource = 'setting' | 'bundled' | 'PATH';

/**
 * Which ormlint to run. An `ormlint.path` other than the default wins; with
 * the default, the binary bundled in the extension (bin/ormlint) if there is
 * one, else `ormlint` looked up on PATH.
 */
export function resolveServerPath(
  config: OrmlintConfig,
  extensionPath: string,
  env: ServerEnvironment = {},
): { command: string; source: ServerSource } {
  const exists = env.exists ?? fs.existsSync;
  const configured = config.path.trim();
  if (configured === '' || configured === DEFAULTS.path) {
    const bundled = bundledBinary(extensionPath, env.platform);
    if (exists(bundled)) return { command: bundled, source: 'bundled' };
    return { command: DEFAULTS.path, source: 'PATH' };
  }
  const home = env.homedir ?? os.homedir();
  let p = configured;
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = home + p.slice(1);
  p = p.replace(/\$\{userHome\}/g, home);
  if (env.workspaceFolder !== undefined) p = p.replace(/\$\{workspaceFolder\}/g, env.workspaceFolder);
  // A bare name ("ormlint-dev") is looked up on PATH; a relative path
  // ("bin/ormlint", "./ormlint") is relative to the workspace folder.
  const isBareName = !p.includes('/') && !p.includes('\\');
  if (!isBareName && !path.isAbsolute(p) && env.workspaceFolder !== undefined) {
    p = path.resolve(env.workspaceFolder, p);
  }
  return { command: p, source: 'setting' };
}

/** `ormlint lsp [ormlint.args...]`, run in the workspace folder. */
export function serverOptions(config: OrmlintConfig, extensionPath: string, env: ServerEnvironment = {}): ServerExecutable {
  const { command } = resolveServerPath(config, extensionPath, env);
  const exe: ServerExecutable = { command, args: ['lsp', ...config.args] };
  if (env.workspaceFolder !== undefined) exe.options = { cwd: env.workspaceFolder };
  return exe;
}

/**
 * The file a command would run: a path is checked as it is, a bare name is
 * looked up on PATH (with PATHEXT on Windows). Undefined if there is none, so
 * that a missing ormlint gets one clear message instead of a failed spawn.
 */
export function findExecutable(
  command: string,
  env: Record<string, string | undefined> = process.env,
  platform: string = process.platform,
  isExecutable: (file: string) => boolean = defaultIsExecutable,
): string | undefined {
  const win = platform === 'win32';
  const exts = win ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  const candidates = (base: string) => exts.map((e) => base + e);
  if (command.includes('/') || (win && command.includes('\\'))) {
    return candidates(command).find(isExecutable);
  }
  for (const dir of (env.PATH ?? '').split(win ? ';' : ':')) {
    if (dir === '') continue;
    const found = candidates((win ? path.win32 : path).join(dir, command)).find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

function defaultIsExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How a command line is shown in the output channel. */
export function formatCommandLine(exe: ServerExecutable): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [exe.command, ...exe.args].map(quote).join(' ');
}
