import assert = require('assert');
import * as path from 'path';
import { describe, it } from 'node:test';
import {
  DEFAULTS,
  OrmlintConfig,
  bundledBinary,
  findExecutable,
  formatCommandLine,
  readConfig,
  resolveServerPath,
  serverOptions,
} from '../src/settings';

const EXT = '/ext/ormlint-0.1.0';
const WS = '/home/dev/shop';
const none = () => false;
const onlyBundled = (file: string) => file === path.join(EXT, 'bin', 'ormlint');
const config = (over: Partial<OrmlintConfig> = {}): OrmlintConfig => ({ ...DEFAULTS, args: [...DEFAULTS.args], ...over });

describe('readConfig', () => {
  it('gives the defaults for unset settings', () => {
    assert.deepStrictEqual(readConfig(() => undefined), { enable: true, path: 'ormlint', args: [], run: 'onType' });
  });
  it('takes well-typed settings', () => {
    const values: Record<string, unknown> = { enable: false, path: ' /opt/ormlint ', args: ['--select', 'ORM001'], run: 'onSave' };
    assert.deepStrictEqual(readConfig((k) => values[k]), { enable: false, path: '/opt/ormlint', args: ['--select', 'ORM001'], run: 'onSave' });
  });
  it('falls back to the default for a value of the wrong type', () => {
    const values: Record<string, unknown> = { enable: 'yes', path: 42, args: ['--select', 7, null, 'ORM002'], run: 'sometimes' };
    assert.deepStrictEqual(readConfig((k) => values[k]), { enable: true, path: 'ormlint', args: ['--select', 'ORM002'], run: 'onType' });
    assert.deepStrictEqual(readConfig((k) => (k === 'args' ? '--select ORM001' : k === 'path' ? '   ' : undefined)).args, []);
    assert.strictEqual(readConfig((k) => (k === 'path' ? '   ' : undefined)).path, 'ormlint');
  });
});

describe('serverOptions', () => {
  it('runs `ormlint lsp` from PATH by default', () => {
    assert.deepStrictEqual(serverOptions(config(), EXT, { exists: none }), { command: 'ormlint', args: ['lsp'] });
  });
  it('prefers the bundled binary when ormlint.path is the default', () => {
    assert.deepStrictEqual(serverOptions(config(), EXT, { exists: onlyBundled }), {
      command: path.join(EXT, 'bin', 'ormlint'),
      args: ['lsp'],
    });
    assert.strictEqual(resolveServerPath(config(), EXT, { exists: onlyBundled }).source, 'bundled');
    assert.strictEqual(resolveServerPath(config(), EXT, { exists: none }).source, 'PATH');
  });
  it('looks for bin/ormlint.exe on Windows', () => {
    assert.strictEqual(bundledBinary(EXT, 'win32'), path.join(EXT, 'bin', 'ormlint.exe'));
    assert.strictEqual(bundledBinary(EXT, 'linux'), path.join(EXT, 'bin', 'ormlint'));
  });
  it('lets an explicit ormlint.path win over the bundled binary', () => {
    const exe = serverOptions(config({ path: '/opt/ormlint/bin/ormlint' }), EXT, { exists: () => true });
    assert.deepStrictEqual(exe, { command: '/opt/ormlint/bin/ormlint', args: ['lsp'] });
    assert.strictEqual(resolveServerPath(config({ path: 'ormlint-dev' }), EXT, { exists: () => true }).source, 'setting');
  });
  it('appends ormlint.args after lsp, unchanged and in order', () => {
    const args = ['--select', 'ORM001,ORM002', '--config', 'with space/pyproject.toml', '--', '-x'];
    assert.deepStrictEqual(serverOptions(config({ args }), EXT, { exists: none }).args, ['lsp', ...args]);
  });
  it('expands ~, ${userHome} and ${workspaceFolder}', () => {
    const env = { exists: none, homedir: '/home/dev', workspaceFolder: WS };
    assert.strictEqual(serverOptions(config({ path: '~/bin/ormlint' }), EXT, env).command, '/home/dev/bin/ormlint');
    assert.strictEqual(serverOptions(config({ path: '${userHome}/bin/ormlint' }), EXT, env).command, '/home/dev/bin/ormlint');
    assert.strictEqual(serverOptions(config({ path: '${workspaceFolder}/build/ormlint' }), EXT, env).command, `${WS}/build/ormlint`);
  });
  it('takes a relative path from the workspace folder and a bare name from PATH', () => {
    const env = { exists: none, workspaceFolder: WS };
    assert.strictEqual(serverOptions(config({ path: 'build/ormlint' }), EXT, env).command, path.join(WS, 'build', 'ormlint'));
    assert.strictEqual(serverOptions(config({ path: './ormlint' }), EXT, env).command, path.join(WS, 'ormlint'));
    assert.strictEqual(serverOptions(config({ path: 'ormlint-dev' }), EXT, env).command, 'ormlint-dev');
    // Without a workspace folder a relative path is left as it is.
    assert.strictEqual(serverOptions(config({ path: 'build/ormlint' }), EXT, { exists: none }).command, 'build/ormlint');
  });
  it('runs the server in the workspace folder', () => {
    assert.deepStrictEqual(serverOptions(config(), EXT, { exists: none, workspaceFolder: WS }).options, { cwd: WS });
  });
  it('does not change the config it is given', () => {
    const c = config({ args: ['--select', 'ORM001'] });
    serverOptions(c, EXT, { exists: none });
    assert.deepStrictEqual(c.args, ['--select', 'ORM001']);
  });
});

describe('formatCommandLine', () => {
  it('quotes only what a shell would need quoted', () => {
    assert.strictEqual(
      formatCommandLine({ command: '/opt/my tools/ormlint', args: ['lsp', '--select', 'ORM001', "it's"] }),
      `'/opt/my tools/ormlint' lsp --select ORM001 'it'\\''s'`,
    );
  });
});

describe('findExecutable', () => {
  const files = new Set(['/usr/local/bin/ormlint', '/opt/ormlint/bin/ormlint', 'C:\\tools\\ormlint.EXE']);
  const isExec = (f: string) => files.has(f);
  it('looks a bare name up on PATH, in order', () => {
    assert.strictEqual(findExecutable('ormlint', { PATH: '/usr/bin::/usr/local/bin:/opt/ormlint/bin' }, 'linux', isExec), '/usr/local/bin/ormlint');
    assert.strictEqual(findExecutable('ormlint', { PATH: '/usr/bin' }, 'linux', isExec), undefined);
    assert.strictEqual(findExecutable('ormlint', {}, 'linux', isExec), undefined);
  });
  it('checks a path as it is', () => {
    assert.strictEqual(findExecutable('/opt/ormlint/bin/ormlint', { PATH: '' }, 'linux', isExec), '/opt/ormlint/bin/ormlint');
    assert.strictEqual(findExecutable('/opt/other/ormlint', { PATH: '/usr/local/bin' }, 'linux', isExec), undefined);
  });
  it('tries PATHEXT on Windows', () => {
    assert.strictEqual(findExecutable('ormlint', { PATH: 'C:\\tools', PATHEXT: '.COM;.EXE' }, 'win32', isExec), 'C:\\tools\\ormlint.EXE');
  });
  it('finds real executables and not plain files', () => {
    assert.strictEqual(findExecutable('sh', { PATH: '/nonexistent:/bin:/usr/bin' }), ['/bin/sh', '/usr/bin/sh'].find((f) => f === findExecutable(f)));
    assert.strictEqual(findExecutable(__filename), undefined);
  });
});
