#!/usr/bin/python3
"""Normalise a SARIF log for comparison with a golden file.

usage: normalize.py [IN.sarif|-] [-o OUT] [--root PATH]

Replaces what differs between machines and releases, and nothing else:
  - tool.driver.version / semanticVersion          -> "__VERSION__"
  - the %SRCROOT% base URI (file:///abs/root/)     -> "file:///__SRCROOT__/"
  - the absolute root anywhere else in a string,
    percent-encoded in a URI or as a plain path    -> "__SRCROOT__"
The root is read from originalUriBaseIds, or given with --root. Key order is
kept (ormlint's output is deterministic); the result is printed with two-space
indentation, non-ASCII kept, and a final newline. Standard library only.
"""

import argparse
import json
import sys
import urllib.parse

VERSION = "__VERSION__"
ROOT = "__SRCROOT__"


def base_root(log):
    """The absolute root path named by the first file:// %SRCROOT% base, or None."""
    for run in log.get("runs", []):
        base = run.get("originalUriBaseIds", {}).get("%SRCROOT%", {})
        uri = base.get("uri", "")
        if uri.startswith("file://"):
            return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
    return None


def replacements(root):
    """(old, new) pairs, longest first, so a URI is replaced before its path."""
    root = root.rstrip("/")
    if not root:
        return []
    encoded = urllib.parse.quote(root, safe="/-._~")
    pairs = {
        "file://" + encoded + "/": "file:///" + ROOT + "/",
        "file://" + encoded: "file:///" + ROOT,
        "file://" + root + "/": "file:///" + ROOT + "/",
        encoded: ROOT,
        root: ROOT,
    }
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def scrub(value, pairs):
    """Applies the replacements to every string inside value, keys included."""
    if isinstance(value, str):
        for old, new in pairs:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [scrub(v, pairs) for v in value]
    if isinstance(value, dict):
        return {scrub(k, pairs): scrub(v, pairs) for k, v in value.items()}
    return value


def normalize(log, root=None):
    for run in log.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        for key in ("version", "semanticVersion"):
            if key in driver:
                driver[key] = VERSION
    root = root or base_root(log)
    return scrub(log, replacements(root)) if root else log


def main(argv):
    ap = argparse.ArgumentParser(description="Normalise a SARIF log for golden comparison.")
    ap.add_argument("input", nargs="?", default="-", help="SARIF file, or - for stdin")
    ap.add_argument("-o", "--output", default="-", help="where to write (default stdout)")
    ap.add_argument("--root", help="absolute project root (default: from %%SRCROOT%%)")
    args = ap.parse_args(argv)
    try:
        if args.input == "-":
            log = json.load(sys.stdin)
        else:
            with open(args.input, encoding="utf-8") as f:
                log = json.load(f)
    except (OSError, ValueError) as e:
        print(f"normalize.py: {args.input}: {e}", file=sys.stderr)
        return 2
    text = json.dumps(normalize(log, args.root), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
