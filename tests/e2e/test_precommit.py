"""pre-commit (issue 7, DESIGN.md "Where it runs"): the two hooks of
.pre-commit-hooks.yaml run by Debian's real pre-commit on a temporary git
repository with its models in app/models.py and an N+1 in app/views.py.

- `ormlint` (language: system, the binary on PATH): `pre-commit try-repo`
  on the view alone fails with the ORM002 finding (the models are read from
  the whole project), passes after `ormlint --fix`; a staged-only run (no
  --files) does the same and reports nothing for files that are not staged.
- `ormlint-build` (language: script, tools/pre-commit-build): builds in
  pre-commit's clone of a clean clone of this repository and runs (slow: a
  full build; "slow" is in its name, `-k 'not slow'` deselects it); the
  script's own logic — missing Debian packages named with exit 2 and
  nothing installed, one build under a lock (flock or mkdir) for concurrent
  runs, no rebuild while fresh, a failed build reported — with a stand-in
  `make`, so it takes no build.

The hook repository is `git clone` of this repository at HEAD, so uncommitted
work elsewhere in the tree is not in it; only the two hook files themselves
are taken from the working tree (and committed in the clone), so a change to
them is tested before it is committed.
"""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ORMLINT

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = "/usr/bin/pre-commit"
SCRIPT = "tools/pre-commit-build"
HOOK_FILES = [".pre-commit-hooks.yaml", SCRIPT]

pytestmark = pytest.mark.skipif(not os.access(PRE_COMMIT, os.X_OK),
                                reason="Debian's pre-commit is not installed (`make test` installs it)")

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    books = db.relationship("Book", back_populates="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
    author = db.relationship("Author", back_populates="books")
"""

VIEWS = """\
from app.models import Book


def book_list():
    books = Book.query.order_by(Book.title).all()
    return [{"title": b.title, "author": b.author.name} for b in books]
"""
FINDING = "app/views.py:6:42: ORM002 `b.author` lazy-loads `Book.author`"

# a second N+1 in the view, on Author.books (a collection)
MORE_VIEWS = """\


def author_list():
    authors = Author.query.all()
    return [(a.name, len(a.books)) for a in authors]
"""


def env_for(tmp_path, path=None, **extra):
    """The environment of a pre-commit run: no GIT_* of an enclosing hook,
    pre-commit's store and temporary files under tmp_path (nothing in
    ~/.cache), and npm allowed to answer from its cache (the grammar tarball
    is checked against its pinned hash anyway)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    for d in ("pre-commit-home", "tmp"):
        (tmp_path / d).mkdir(exist_ok=True)
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), TMPDIR=str(tmp_path / "tmp"),
               npm_config_prefer_offline="true", NO_COLOR="1")
    if path is not None:
        env["PATH"] = path
    env.update(extra)
    return env


def run(cmd, cwd, env=None, timeout=120, check=False):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    if check:
        assert p.returncode == 0, f"{cmd}: {p.stdout}{p.stderr}"
    return p


def git(cwd, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return run(["git", "-c", "commit.gpgsign=false", *args], cwd, env=env, check=True).stdout


@pytest.fixture
def hook_repo(tmp_path):
    """A clean clone of this repository at HEAD, with the working tree's hook files."""
    if not (REPO / ".git").exists():
        pytest.skip(f"{REPO} is not a git repository: pre-commit needs one to clone")
    clone = tmp_path / "ormlint"
    git(tmp_path, "clone", "-q", str(REPO), str(clone))
    for rel in HOOK_FILES:
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, clone / rel)
    git(clone, "add", *HOOK_FILES)
    if run(["git", "diff", "--cached", "--quiet"], clone).returncode:
        git(clone, "-c", "user.name=ormlint tests", "-c", "user.email=tests@ormlint.invalid",
            "commit", "-q", "-m", "hook files of the working tree")
    return clone


@pytest.fixture
def user_repo(tmp_path):
    """The user's repository: models in one file, the N+1 in another, committed."""
    root = tmp_path / "shop"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(MODELS)
    (root / "app" / "views.py").write_text(VIEWS)
    git(root, "init", "-q")
    git(root, "config", "user.name", "ormlint tests")
    git(root, "config", "user.email", "tests@ormlint.invalid")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "shop")
    return root


@pytest.fixture
def ormlint_on_path(tmp_path):
    """PATH with `ormlint` (a symlink to $ORMLINT) first, as `make install` would give."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ormlint").symlink_to(Path(ORMLINT).resolve())
    return f"{bindir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"


def try_repo(hook_repo, hook, cwd, env, *args, timeout=120):
    return run([PRE_COMMIT, "try-repo", hook_repo, hook, *args], cwd, env=env, timeout=timeout)


# ---- hook `ormlint` (language: system) -----------------------------------------


def test_system_hook_fails_on_the_view_alone_then_passes_after_fix(tmp_path, hook_repo, user_repo,
                                                                    ormlint_on_path):
    env = env_for(tmp_path, ormlint_on_path)
    p = try_repo(hook_repo, "ormlint", user_repo, env, "--files", "app/views.py")
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "Failed" in out and "- hook id: ormlint" in out, out
    assert FINDING in out, "the models in app/models.py were read though only the view was passed\n" + out

    fix = run([ORMLINT, "--fix", "app/views.py"], user_repo)
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert "joinedload(Book.author)" in (user_repo / "app" / "views.py").read_text()

    p = try_repo(hook_repo, "ormlint", user_repo, env, "--files", "app/views.py")
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "Passed" in out and "ORM002" not in out, out


def test_system_hook_on_staged_files_only(tmp_path, hook_repo, user_repo, ormlint_on_path):
    """A plain run (no --files) passes the staged files only: the staged view
    gets its findings with the models of a file not passed; an untracked file
    with an N+1 of its own is read for the index but not reported."""
    views = user_repo / "app" / "views.py"
    views.write_text(VIEWS.replace("import Book", "import Author, Book") + MORE_VIEWS)
    git(user_repo, "add", "app/views.py")
    (user_repo / "app" / "reports.py").write_text(VIEWS.replace("book_list", "report"))
    p = try_repo(hook_repo, "ormlint", user_repo, env_for(tmp_path, ormlint_on_path))
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "app/views.py:6:42: ORM002" in out, out
    assert "app/views.py:11:26: ORM002 `a.books` lazy-loads `Author.books`" in out, out
    assert "reports.py" not in out, out


# ---- hook `ormlint-build` (language: script) ------------------------------------


def grammars_fetchable(hook_repo, env):
    """None when npm can give every pinned grammar and the runtime (from the
    network or its cache), else why not."""
    pins = dict(tuple(part.strip() for part in line.split(":=", 1))
                for line in (hook_repo / "grammars" / "pins.mk").read_text().splitlines()
                if ":=" in line and not line.startswith("#"))
    if not shutil.which("npm", path=env["PATH"]):
        return "npm is not installed"
    for key, pkg in pins.items():
        if not key.endswith("_PKG"):
            continue
        spec = f"{pkg}@{pins[key.replace('_PKG', '_VERSION')]}"
        d = Path(env["TMPDIR"]) / "npm-probe"
        d.mkdir()
        try:
            p = run(["npm", "pack", "--silent", spec], d, env=env, timeout=120)
        except subprocess.TimeoutExpired:
            return f"npm pack {spec} timed out"
        finally:
            shutil.rmtree(d, ignore_errors=True)
        if p.returncode:
            return f"npm pack {spec} failed (no network and not in npm's cache?): {p.stderr.strip()[-300:]}"
    return None


def test_slow_script_hook_builds_in_a_clean_clone_and_runs(tmp_path, hook_repo, user_repo):
    """The script hook builds build/ormlint inside pre-commit's own clone
    (try-repo's store) on first use and runs it: no ormlint on PATH."""
    env = env_for(tmp_path)
    why = grammars_fetchable(hook_repo, env)
    if why:
        pytest.skip(f"cannot fetch the pinned grammars: {why}")
    t0 = time.monotonic()
    p = try_repo(hook_repo, "ormlint-build", user_repo, env, "--files", "app/views.py", timeout=900)
    took = time.monotonic() - t0
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "- hook id: ormlint-build" in out, out
    assert "pre-commit-build: building ormlint in " in out, out
    assert FINDING in out, out
    # quiet: the compiler's lines went to the log
    assert "  CC " not in out and "fetched " not in out, out
    print(f"script hook: build and run in {took:.1f}s")


# The script's own logic, in a stand-in for pre-commit's clone: the script and
# the source directories it compares the binary with, a stand-in `make`.

FAKE_MAKE = """\
#!/bin/sh
# stand-in make: records its arguments and MAKEFLAGS, takes a while, "builds"
echo "$* MAKEFLAGS=${MAKEFLAGS-unset}" >> "$MAKE_LOG"
[ -z "${MAKE_FAILS-}" ] || { echo "analyzer/x.c:1: error: broken"; exit 2; }
while [ $# -gt 0 ]; do case $1 in -C) dir=$2; shift 2;; *) shift;; esac; done
sleep 1
mkdir -p "$dir/build"
printf '#!/bin/sh\\necho "built ormlint: $*"\\nexit 1\\n' > "$dir/build/ormlint"
chmod +x "$dir/build/ormlint"
"""

# a compiler without one library's header (-E) or its library (-l)
CC_WITHOUT = """\
#!/bin/sh
for a; do [ "$a" = "-l${NO_LIB-}" ] && exit 1; done
if [ "$1" = -E ]; then
  src=$(cat)
  case $src in *"<${NO_HEADER-none}>"*) exit 1;; esac
  printf '%s\\n' "$src" | exec cc "$@"
fi
exec cc "$@"
"""

INSTALLERS = ["apt-get", "apt", "sudo", "aptitude", "dpkg"]


def write_exe(path, text):
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def fake_clone(tmp_path):
    """(clone dir, bin dir of stand-ins, make log): pre-commit's clone with the
    script and a stand-in `make`; apt-get & co. record that they were called."""
    clone = tmp_path / "clone"
    (clone / "tools").mkdir(parents=True)
    shutil.copy2(REPO / SCRIPT, clone / SCRIPT)
    (clone / "Makefile").write_text("# stand-in\n")
    for d in ("analyzer", "rules", "grammars"):
        (clone / d).mkdir()
        (clone / d / "x.c").write_text("")
    shutil.copy2(REPO / "grammars" / "pins.mk", clone / "grammars" / "pins.mk")
    old = time.time() - 60
    for f in clone.rglob("*"):
        os.utime(f, (old, old))
    bindir = tmp_path / "fakebin"
    bindir.mkdir()
    write_exe(bindir / "make", FAKE_MAKE)
    write_exe(bindir / "cc-without", CC_WITHOUT)
    for name in INSTALLERS:
        write_exe(bindir / name, f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/installers.log"\nexit 1\n')
    return clone, bindir, tmp_path / "make.log"


def path_without(tmp_path, hidden):
    """A directory of symlinks to every command on PATH but `hidden`."""
    farm = tmp_path / "farm"
    farm.mkdir(exist_ok=True)
    for d in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            src = os.path.join(d, name)
            if name in hidden or (farm / name).exists() or not os.access(src, os.X_OK):
                continue
            (farm / name).symlink_to(src)
    return str(farm)


def run_script(clone, cwd, env, *args):
    return run([clone / SCRIPT, *args], cwd, env=env, timeout=60)


@pytest.mark.parametrize("env_extra, hidden, named", [
    pytest.param({"CC": "/nonexistent/cc"}, [], "build-essential libpcre2-dev libcjson-dev",
                 id="no-compiler"),
    pytest.param({"CC": "cc-without", "NO_HEADER": "pcre2.h"}, [], "libpcre2-dev",
                 id="no-pcre2-header"),
    pytest.param({"CC": "cc-without", "NO_LIB": "cjson"}, [], "libcjson-dev", id="no-cjson-library"),
    pytest.param({}, ["npm", "node", "nodejs"], "npm nodejs", id="no-npm-nor-node"),
])
def test_script_names_missing_debian_packages_and_installs_nothing(tmp_path, fake_clone, user_repo, env_extra,
                                                                   hidden, named):
    clone, bindir, make_log = fake_clone
    if not hidden:
        # the grammars and the runtime are fetched already: npm is not needed
        for g in ("python", "toml"):
            (clone / "build" / "grammars" / g / "src").mkdir(parents=True)
            (clone / "build" / "grammars" / g / "src" / "parser.c").write_text("")
        (clone / "build" / "tree-sitter" / "lib" / "src").mkdir(parents=True)
        (clone / "build" / "tree-sitter" / "lib" / "src" / "lib.c").write_text("")
    base = path_without(tmp_path, hidden) if hidden else os.environ.get("PATH", "/usr/bin:/bin")
    env = env_for(tmp_path, f"{bindir}{os.pathsep}{base}", MAKE_LOG=str(make_log), **env_extra)
    p = run_script(clone, user_repo, env, "app/views.py")
    assert p.returncode == 2, p.stdout + p.stderr
    assert f"missing Debian packages: {named}\n" in p.stderr, p.stderr
    assert f"sudo apt-get install {named}\n" in p.stderr, p.stderr
    assert not make_log.exists(), "make ran though a dependency is missing"
    assert not (tmp_path / "installers.log").exists(), (tmp_path / "installers.log").read_text()
    assert not (clone / "build" / "ormlint").exists()


@pytest.mark.parametrize("lock", ["flock", "mkdir"])
def test_script_builds_once_under_a_lock_then_runs_the_fresh_binary(tmp_path, fake_clone, user_repo, lock):
    """Three concurrent runs (pre-commit in three worktrees, say) build once;
    the binary is then reused until a source is newer. The build is the
    script's own: MAKEFLAGS of an enclosing make (B=, CC=) are dropped."""
    clone, bindir, make_log = fake_clone
    base = path_without(tmp_path, ["flock"]) if lock == "mkdir" else os.environ.get("PATH", "/usr/bin:/bin")
    env = env_for(tmp_path, f"{bindir}{os.pathsep}{base}", MAKE_LOG=str(make_log),
                  MAKEFLAGS=" -j9 -- B=build/pc CC=clang")
    if lock == "mkdir":
        # a lock left by a build that died is taken over
        dead = subprocess.Popen(["true"])
        dead.wait()
        (clone / "build").mkdir()
        (clone / "build" / ".pre-commit-build.owner").symlink_to(str(dead.pid))

    procs = [subprocess.Popen([clone / SCRIPT, "app/views.py", f"--run={i}"], cwd=user_repo, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    for i, (rc, out, err) in enumerate(results):
        assert rc == 1, (out, err)  # the binary's exit status is the hook's
        assert out == f"built ormlint: app/views.py --run={i}\n", (out, err)
    calls = make_log.read_text().splitlines()
    assert len(calls) == 1, calls
    assert calls[0].endswith("B=build build/ormlint MAKEFLAGS=unset"), calls
    assert calls[0].startswith(f"-C {clone.resolve()} -j"), calls
    assert sum("building ormlint" in err for _, _, err in results) == 1, results
    assert not os.path.lexists(clone / "build" / ".pre-commit-build.owner")
    assert not os.path.lexists(clone / "build" / ".pre-commit-build.owner.reap")

    p = run_script(clone, user_repo, env, "app/views.py")
    assert (p.returncode, p.stdout, p.stderr) == (1, "built ormlint: app/views.py\n", "")
    assert len(make_log.read_text().splitlines()) == 1, "a fresh binary was rebuilt"

    future = time.time() + 5
    os.utime(clone / "rules" / "x.c", (future, future))
    p = run_script(clone, user_repo, env, "app/views.py")
    assert p.returncode == 1 and "building ormlint" in p.stderr, p.stderr
    assert len(make_log.read_text().splitlines()) == 2, "a source newer than the binary did not rebuild"


def test_script_reports_a_failed_build(tmp_path, fake_clone, user_repo):
    clone, bindir, make_log = fake_clone
    env = env_for(tmp_path, f"{bindir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
                  MAKE_LOG=str(make_log), MAKE_FAILS="1")
    p = run_script(clone, user_repo, env, "app/views.py")
    assert p.returncode == 2, p.stdout + p.stderr
    assert "building ormlint failed" in p.stderr and "analyzer/x.c:1: error: broken" in p.stderr, p.stderr
    assert (clone / "build" / "pre-commit-build.log").exists()
