"""A throwaway PostgreSQL 15 cluster for the semantics cases: initdb into a
temporary directory, a Unix socket only, durability off; one database per
run (created from template0), the cluster stopped and deleted at the end.
Root may not run the server, so as root it runs as `postgres`."""
import os
import shutil
import subprocess
import tempfile

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


class Cluster:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ormlint-sem-pg.")
        self.data, self.sock = os.path.join(self.root, "data"), os.path.join(self.root, "s")
        self.port = str(55000 + os.getpid() % 4000)
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        os.makedirs(self.sock)
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self.run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.run("pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "log"), "-w", "-t", "60", "-o",
                 f"-c listen_addresses='' -k {self.sock} -p {self.port} -c fsync=off -c synchronous_commit=off "
                 "-c full_page_writes=off -c max_connections=20 -c shared_buffers=16MB", "start")
        self.n = 0

    def run(self, tool, *args):
        subprocess.run(self.as_pg + [os.path.join(PG_BIN, tool), *args], check=True, capture_output=True,
                       timeout=120)

    def new_database(self):
        """The URL of a fresh, empty database."""
        self.n += 1
        name = f"case{self.n}"
        self.run("createdb", "-h", self.sock, "-p", self.port, "-U", "postgres", "-T", "template0", name)
        return f"postgresql+psycopg2://postgres@/{name}?host={self.sock}&port={self.port}"

    def stop(self):
        try:
            self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def available():
    return os.path.exists(os.path.join(PG_BIN, "initdb")) and subprocess.run(
        ["/usr/bin/python3", "-c", "import psycopg2"], capture_output=True).returncode == 0
