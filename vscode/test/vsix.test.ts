// The packaged .vsix (a zip): it holds the manifest, the bundled entry point
// and the README, and none of the sources, tests or node_modules. build.sh
// runs this after packaging with ORMLINT_VSIX set; run alone it checks
// ormlint-<version>.vsix beside package.json, or skips when there is none.
import assert = require('assert');
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { builtinModules } from 'module';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsixPath = process.env.ORMLINT_VSIX ?? path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
const present = fs.existsSync(vsixPath);

/** The files of a zip archive, from its central directory. */
export function readZip(data: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const method = data.readUInt16LE(p + 10);
    const compressedSize = data.readUInt32LE(p + 20);
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    const localOffset = data.readUInt32LE(p + 42);
    const name = data.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    if (data.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    const raw = data.subarray(start, start + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method}`);
    files.set(name, method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

describe('the .vsix', { skip: present ? false : `no ${path.basename(vsixPath)}: run build.sh` }, () => {
  const files = present ? readZip(fs.readFileSync(vsixPath)) : new Map<string, Buffer>();
  const names = [...files.keys()];

  it('is a VSIX package', () => {
    assert.ok(files.has('extension.vsixmanifest'));
    assert.ok(files.has('[Content_Types].xml'));
    const manifest = files.get('extension.vsixmanifest')!.toString('utf8');
    assert.match(manifest, new RegExp(`Version="${pkg.version.replace(/\./g, '\\.')}"`));
    assert.match(manifest, /Id="ormlint"/);
  });

  it('holds package.json, the same as the one built from', () => {
    const packaged = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    assert.strictEqual(packaged.name, pkg.name);
    assert.strictEqual(packaged.version, pkg.version);
    assert.strictEqual(packaged.main, pkg.main);
    assert.deepStrictEqual(packaged.contributes, pkg.contributes);
    assert.deepStrictEqual(packaged.activationEvents, pkg.activationEvents);
  });

  it('holds the compiled entry point, self-contained but for vscode', () => {
    const entry = `extension/${path.posix.normalize(pkg.main)}`;
    assert.ok(files.has(entry), `${entry} in ${names.join(', ')}`);
    const js = files.get(entry)!.toString('utf8');
    assert.ok(js.length > 10000, 'the bundle has vscode-languageclient in it');
    const required = new Set([...js.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const foreign = [...required].filter((m) => m !== 'vscode' && !builtins.has(m));
    assert.deepStrictEqual(foreign, []);
    assert.ok(required.has('vscode'));
  });

  it('holds the README', () => {
    assert.ok(names.some((n) => n.toLowerCase() === 'extension/readme.md'), names.join(', '));
  });

  it('holds no sources, tests, node_modules or build leftovers', () => {
    const unwanted = names.filter((n) => /^extension\/(src|test|out|node_modules)\/|\.ts$|\.map$|\.vsix$|build\.sh$|tsconfig\.json$|package-lock\.json$/.test(n));
    assert.deepStrictEqual(unwanted, []);
  });
});
