"""A small LSP client over a subprocess's stdio, for the tests and the
benchmark: Content-Length framing, requests with ids, notifications kept
in arrival order. Every byte the server writes must belong to a message."""
import json
import os
import queue
import subprocess
import threading


class Client:
    def __init__(self, argv, cwd=None):
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.next_id = 0
        self.inbox = queue.Queue()
        self.stray = []  # bytes on stdout outside any message
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.p.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if b":" not in line:
                    self.stray.append(line)
                    continue
                k, v = line.decode("ascii", "replace").split(":", 1)
                headers[k.strip().lower()] = v.strip()
            n = int(headers["content-length"])
            self.inbox.put(json.loads(out.read(n)))

    def raw(self, data: bytes):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        self.send({"method": method, "params": params or {}})

    def request(self, method, params=None, timeout=30):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params or {}})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def wait(self, pred, timeout=30):
        """The first message matching pred; earlier ones are kept in self.seen."""
        while True:
            m = self.inbox.get(timeout=timeout)
            if m is None:
                raise EOFError("the server closed its output")
            self.seen.append(m)
            if pred(m):
                return m

    seen = []

    def diagnostics(self, uri, timeout=30):
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri, timeout)["params"]["diagnostics"]

    def close(self, timeout=30):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        return self.p.wait(timeout=timeout)


def file_uri(path):
    return "file://" + os.path.abspath(path)
