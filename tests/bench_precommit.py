"""make bench, pre-commit part: a generated project of 1,200 files (models,
helpers, services, views, plain utilities; tests/bench_project.py), or a real
project exported from a mirror (`--mirror REPO FILE`), with one view edited
before each run, as pre-commit passes it: `ormlint FILE` with a
cold cache (removed before each run), a warm cache, and --no-cache; 11 runs
each, median and minimum wall time and the median CPU time (user + system,
what a loaded machine inflates least). Figures, not assertions."""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ormlint = sys.argv[1]
here = Path(__file__).resolve().parent
# `--mirror REPO FILE`: a real project (a bare git repository, exported at
# HEAD) with FILE edited; else the generated project (packages: argv[2]).
mirror = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--mirror" else None
with tempfile.TemporaryDirectory() as d:
    proj = Path(d)
    if mirror:
        edited = sys.argv[4]
        # the Python files and the settings only: a mirror may lack its largest blobs
        settings = subprocess.run(["git", "--git-dir", mirror, "ls-tree", "--name-only", "HEAD",
                                   "pyproject.toml", "setup.cfg"], capture_output=True, text=True).stdout.split()
        archive = subprocess.run(["git", "--git-dir", mirror, "archive", "HEAD", "--", ":(glob)**/*.py",
                                  *settings], capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", d], input=archive, check=True)
        (proj / ".git").mkdir()  # the project's root marker, as in a clone
        name = Path(mirror).parent.name.replace("+", "/")
    else:
        packages = int(sys.argv[2]) if len(sys.argv) > 2 else 100
        subprocess.run([sys.executable, str(here / "bench_project.py"), d, str(packages)], check=True)
        edited = "app/p7/views.py"
        name = "the generated project"
    old = time.time() - 3600  # files committed an hour ago: their mtimes tell them unchanged
    files = [p for p in proj.rglob("*.py")]
    for p in files:
        os.utime(p, (old, old))
    view = proj / edited
    text = view.read_text()
    cache = proj / ".ormlint_cache"

    def run(label, args, cold=False, runs=11):
        times, cpu = [], []
        subprocess.run([ormlint, "-q", "--exit-zero", *args, edited], cwd=d, stdout=subprocess.DEVNULL)
        for i in range(runs):
            view.write_text(text + f"# edit {label} {i}\n")
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run([ormlint, "-q", *args, edited], cwd=d, stdout=subprocess.DEVNULL)
            times.append((time.perf_counter() - t) * 1000)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
        print(f"BENCH pre-commit, one file of {len(files)} of {name} ({label}): median {statistics.median(times):.1f} ms, "
              f"min {min(times):.1f} ms, CPU {statistics.median(cpu):.1f} ms")

    run("cold cache", [], cold=True)
    run("warm cache", [])
    run("warm cache, -j1", ["-j1"])
    run("--no-cache", ["--no-cache"])
    env = dict(os.environ, ORMLINT_TIMINGS="1")
    view.write_text(text + "# edit timings\n")
    p = subprocess.run([ormlint, "-q", edited], cwd=d, capture_output=True, text=True, env=env)
    for line in p.stderr.splitlines():
        if line.startswith("ormlint "):
            print("  " + line)
