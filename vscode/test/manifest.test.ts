// package.json against the code: what the extension reads and registers is
// contributed, dependencies are pinned and locked, and every build tool runs
// on Node 18 (Debian 12's).
import assert = require('assert');
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { COMMANDS, DEFAULTS, RESTART_KEYS, SECTION, WATCH_GLOBS } from '../src/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const lock = JSON.parse(read('package-lock.json'));
const source = read('src/extension.ts') + read('src/settings.ts');
/** The Node release of Debian 12. */
const NODE18 = '18.19.0';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const semver = require(path.join(ROOT, 'node_modules', 'semver'));

describe('package.json contributes what the code uses', () => {
  const properties = pkg.contributes.configuration.properties;

  it('declares every ormlint.* setting with its type and default', () => {
    assert.deepStrictEqual(Object.keys(properties).sort(), ['ormlint.args', 'ormlint.enable', 'ormlint.path', 'ormlint.run', 'ormlint.trace.server']);
    assert.strictEqual(properties['ormlint.enable'].type, 'boolean');
    assert.strictEqual(properties['ormlint.enable'].default, DEFAULTS.enable);
    assert.strictEqual(properties['ormlint.path'].type, 'string');
    assert.strictEqual(properties['ormlint.path'].default, DEFAULTS.path);
    assert.strictEqual(properties['ormlint.args'].type, 'array');
    assert.strictEqual(properties['ormlint.args'].items.type, 'string');
    assert.deepStrictEqual(properties['ormlint.args'].default, DEFAULTS.args);
    assert.deepStrictEqual(properties['ormlint.run'].enum, ['onType', 'onSave']);
    assert.strictEqual(properties['ormlint.run'].default, DEFAULTS.run);
    assert.deepStrictEqual(properties['ormlint.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('restarts the server on every setting but the trace', () => {
    const keys = Object.keys(properties).filter((k) => k !== `${SECTION}.trace.server`);
    assert.deepStrictEqual([...RESTART_KEYS].sort(), keys.sort());
  });

  it('contributes exactly the commands the extension registers', () => {
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepStrictEqual(contributed, Object.values(COMMANDS).sort());
    const registered = [...source.matchAll(/registerCommand\(COMMANDS\.(\w+)/g)].map((m) => (COMMANDS as Record<string, string>)[m[1]]);
    assert.deepStrictEqual(registered.sort(), contributed);
    const title = (id: string) => {
      const c = pkg.contributes.commands.find((x: { command: string }) => x.command === id);
      return `${c.category}: ${c.title}`;
    };
    assert.strictEqual(title(COMMANDS.restart), 'ormlint: Restart Server');
    assert.strictEqual(title(COMMANDS.fixAll), 'ormlint: Fix all (safe fixes)');
  });

  it('activates on Python files', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:python'));
  });

  it('points main at the bundle that build.sh writes', () => {
    assert.strictEqual(pkg.main, './dist/extension.js');
    assert.match(read('build.sh'), /--outfile=dist\/extension\.js/);
  });

  it('watches Python files and pyproject.toml', () => {
    assert.deepStrictEqual([...WATCH_GLOBS], ['**/*.py', '**/pyproject.toml', '**/*templates/**/*.{html,htm,jinja,jinja2,j2}']);
  });

  it('restricts the executable settings in untrusted workspaces', () => {
    assert.deepStrictEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['ormlint.path', 'ormlint.args']);
  });
});

describe('dependencies', () => {
  const all: Record<string, string> = { ...pkg.dependencies, ...pkg.devDependencies };

  it('are pinned to exact versions', () => {
    for (const [name, version] of Object.entries(all)) assert.ok(semver.valid(version), `${name}@${version} is not an exact version`);
    for (const [name, version] of Object.entries(pkg.overrides as Record<string, string>))
      assert.ok(semver.valid(version), `override ${name}@${version} is not an exact version`);
  });

  it('match the lockfile', () => {
    assert.ok(lock.lockfileVersion >= 2);
    assert.deepStrictEqual(lock.packages[''].dependencies, pkg.dependencies);
    assert.deepStrictEqual(lock.packages[''].devDependencies, pkg.devDependencies);
    for (const [name, version] of Object.entries(all)) assert.strictEqual(lock.packages[`node_modules/${name}`].version, version, name);
    for (const [name, entry] of Object.entries(lock.packages as Record<string, { integrity?: string; link?: boolean }>)) {
      if (name !== '' && !entry.link) assert.ok(entry.integrity, `${name} has no integrity hash`);
    }
  });

  it('pin @vscode/vsce to 2.x (3.x and later need Node 20)', () => {
    assert.strictEqual(semver.major(pkg.devDependencies['@vscode/vsce']), 2);
  });

  it(`all run on Node ${NODE18}`, () => {
    const bad: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages as Record<string, { version?: string; engines?: { node?: string } }>)) {
      const range = entry.engines?.node;
      if (range && !semver.satisfies(NODE18, range)) bad.push(`${name}@${entry.version} needs node ${range}`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it('agree with engines.vscode', () => {
    const client = JSON.parse(read('node_modules/vscode-languageclient/package.json'));
    assert.strictEqual(pkg.engines.vscode, client.engines.vscode);
    // vsce refuses @types/vscode newer than engines.vscode.
    assert.ok(semver.satisfies(pkg.devDependencies['@types/vscode'], pkg.engines.vscode));
    assert.strictEqual(pkg.devDependencies['@types/vscode'], semver.minVersion(pkg.engines.vscode).version);
  });
});

describe('the pure modules', () => {
  it('do not load vscode or vscode-languageclient, so that they run without VS Code', () => {
    for (const file of ['out/src/settings.js', 'out/src/sync.js']) {
      const js = read(file);
      assert.doesNotMatch(js, /require\(["']vscode/, file);
    }
  });

  it('are what the extension uses', () => {
    assert.match(read('src/extension.ts'), /serverOptions\(config, this\.context\.extensionPath/);
    assert.match(read('src/extension.ts'), /from '\.\/sync'/);
  });
});

describe('git-ignored build output', () => {
  it('ignores node_modules, out, dist and the .vsix', () => {
    const ignored = read('.gitignore').split('\n').map((l) => l.trim());
    for (const p of ['node_modules/', 'out/', 'dist/', '*.vsix']) assert.ok(ignored.includes(p), p);
  });
  it('keeps the sources and tests out of the .vsix', () => {
    const ignored = read('.vscodeignore').split('\n').map((l) => l.trim());
    for (const p of ['src/**', 'test/**', 'out/**', 'node_modules/**']) assert.ok(ignored.includes(p), p);
  });
});
