/* Discovery of Python files and of the project root. */
#include "discover.h"
#include "jinja.h"
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Directory names never walked into (ruff's default `exclude`, plus caches);
 * a config's `exclude` replaces this list, `extend-exclude` adds to it. */
static const char *const SKIP_DIRS[] = {".bzr",
                                        ".direnv",
                                        ".eggs",
                                        ".git",
                                        ".git-rewrite",
                                        ".hg",
                                        ".ipynb_checkpoints",
                                        ".mypy_cache",
                                        ".nox",
                                        ".pants.d",
                                        ".pyenv",
                                        ".pytest_cache",
                                        ".pytype",
                                        ".ruff_cache",
                                        ".svn",
                                        ".tox",
                                        ".venv",
                                        ".vscode",
                                        "__pypackages__",
                                        "_build",
                                        "buck-out",
                                        "build",
                                        "dist",
                                        "node_modules",
                                        "site-packages",
                                        "venv",
                                        "__pycache__",
                                        ".ormlint_cache",
                                        NULL};

static void note(ol_discovery *d, ol_note_level level, const char *path, char *message) {
  ol_notification n = {.level = level, .path = ol_strdup(path), .message = message};
  ol_vec_push(&d->notes, n);
}

/* Whether path is absolute and already what ol_path_absolute makes of it:
 * no empty, "." or ".." part, no trailing slash (discovery's paths, from an
 * absolute root: normalised once per file, without copying it twice). */
static bool normal_absolute(const char *path) {
  if (path[0] != '/' || !path[1])
    return false;
  for (const char *p = path; *p; p++) {
    if (*p != '/')
      continue;
    const char *q = p + 1;
    if (*q == '/' || !*q)
      return false; /* an empty part, a trailing slash */
    if (q[0] == '.' && (q[1] == '/' || !q[1] || (q[1] == '.' && (q[2] == '/' || !q[2]))))
      return false;
  }
  return true;
}

char *ol_path_absolute(const char *path) {
  if (normal_absolute(path))
    return ol_strdup(path);
  ol_buf b = {0};
  if (path[0] != '/') {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd))
      ol_buf_puts(&b, cwd);
  }
  ol_buf_putc(&b, '/');
  ol_buf_puts(&b, path);
  /* Normalise: drop "." and empty parts, resolve ".." lexically. */
  char *raw = ol_buf_take(&b);
  char *out = ol_malloc(strlen(raw) + 2);
  size_t len = 0;
  for (char *part = strtok(raw, "/"); part; part = strtok(NULL, "/")) {
    if (!strcmp(part, "."))
      continue;
    if (!strcmp(part, "..")) {
      while (len > 0 && out[len - 1] != '/')
        len--;
      if (len > 0)
        len--;
      continue;
    }
    out[len++] = '/';
    memcpy(out + len, part, strlen(part));
    len += strlen(part);
  }
  if (!len)
    out[len++] = '/';
  out[len] = '\0';
  ol_free(raw);
  return out;
}

static char *rebase(char *path, const char *root, const char *dir) {
  if (!path || path[0] == '/')
    return path;
  char *abs = ol_format("%s/%s", root, path);
  char *norm = ol_path_absolute(abs);
  char *rel = ol_path_relative(dir, norm);
  ol_free(abs);
  ol_free(norm);
  ol_free(path);
  return rel;
}

void ol_report_rebase(ol_report *r, const char *dir) {
  if (!r->root || !strcmp(r->root, dir))
    return;
  for (size_t i = 0; i < r->n_findings; i++) {
    ol_finding *f = &r->findings[i];
    f->path = rebase(f->path, r->root, dir);
    for (size_t j = 0; j < f->n_related; j++)
      f->related[j].path = rebase(f->related[j].path, r->root, dir);
    for (size_t j = 0; j < f->n_flow; j++)
      f->flow[j].path = rebase(f->flow[j].path, r->root, dir);
    if (f->fix && f->fix->path)
      f->fix->path = rebase(f->fix->path, r->root, dir);
  }
  for (size_t i = 0; i < r->n_notes; i++)
    r->notes[i].path = rebase(r->notes[i].path, r->root, dir);
}

char *ol_path_relative(const char *root, const char *abs) {
  size_t rl = strlen(root);
  if (!strcmp(root, "/"))
    return ol_strdup(abs + 1);
  if (!strncmp(abs, root, rl) && abs[rl] == '/')
    return ol_strdup(abs + rl + 1);
  if (!strcmp(abs, root))
    return ol_strdup(".");
  return ol_strdup(abs);
}

static bool is_project_dir(const ol_fs *fs, const char *dir) {
  static const char *const markers[] = {"pyproject.toml", "setup.cfg", ".git", NULL};
  struct stat st;
  for (const char *const *m = markers; *m; m++) {
    char *p = ol_format("%s/%s", strcmp(dir, "/") ? dir : "", *m);
    bool ok = fs->stat(p, &st) == 0;
    ol_free(p);
    if (ok)
      return true;
  }
  return false;
}

char *ol_project_root(const ol_fs *fs, const char *path, bool *marked) {
  *marked = true;
  char *abs = ol_path_absolute(path);
  struct stat st;
  if (fs->stat(abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(abs, '/');
    if (slash == abs)
      slash[1] = '\0';
    else
      *slash = '\0';
  }
  char *dir = ol_strdup(abs);
  for (;;) {
    if (is_project_dir(fs, dir)) {
      ol_free(abs);
      return dir;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || !strcmp(dir, "/"))
      break;
    if (slash == dir)
      slash[1] = '\0';
    else
      *slash = '\0';
  }
  ol_free(dir);
  *marked = false;
  return abs;
}

/* Whether the config excludes path (as given, or joined from a given directory). */
static bool excluded(const ol_discovery *d, const char *path) {
  if (!d->cfg || !ol_config_has_excludes(d->cfg))
    return false;
  const char *base = d->cfg->config_dir ? d->cfg->config_dir : d->root;
  char *abs = ol_path_absolute(path);
  char *rel = base ? ol_path_relative(base, abs) : ol_strdup(abs);
  bool out = strcmp(rel, ".") != 0 && ol_config_excluded(d->cfg, rel);
  ol_free(abs);
  ol_free(rel);
  return out;
}

/* Code that is not the product (DESIGN.md "Real code"): test suites and
 * migrations. A query per test row or a migration's data loop is not what a
 * maintainer tunes, and a migration's copy of a model class must not merge
 * into the real one. Part of the built-in excludes: a config's `exclude`
 * replaces them too. Judged on the path below the project root. */
static const char *const NOT_PRODUCT_DIRS[] = {"tests", "test", "testing", "migrations", NULL};

/* test_x.py, x_test.py, conftest.py, and any module whose name has `test`,
 * `tests` or `testing` as a word between underscores (create_test_data.py,
 * testing_utils.py): code a test suite runs, whatever folder it sits in. */
static bool is_test_file_name(const char *name, size_t n) {
  if (n < 3 || strncmp(name + n - 3, ".py", 3) != 0)
    return false;
  if (n == 11 && !strncmp(name, "conftest.py", 11))
    return true;
  for (size_t a = 0; a < n - 3;) {
    size_t b = a;
    while (b < n - 3 && name[b] != '_')
      b++;
    size_t len = b - a;
    if ((len == 4 && !strncmp(name + a, "test", 4)) ||
        (len == 5 && !strncmp(name + a, "tests", 5)) ||
        (len == 7 && !strncmp(name + a, "testing", 7)))
      return true;
    a = b + 1;
  }
  return false;
}

static bool not_product(const ol_discovery *d, const char *path) {
  if (d->cfg && d->cfg->exclude)
    return false;
  char *abs = ol_path_absolute(path);
  char *rel = d->root ? ol_path_relative(d->root, abs) : ol_strdup(abs);
  bool out = false, after_alembic = false;
  for (const char *part = rel; *part && !out;) {
    const char *end = strchr(part, '/');
    size_t n = end ? (size_t)(end - part) : strlen(part);
    if (!end) {
      out = is_test_file_name(part, n);
      break;
    }
    for (const char *const *s = NOT_PRODUCT_DIRS; *s && !out; s++)
      out = strlen(*s) == n && !strncmp(part, *s, n);
    out |= after_alembic && n == 8 && !strncmp(part, "versions", 8);
    after_alembic = n == 7 && !strncmp(part, "alembic", 7);
    part = end + 1;
  }
  ol_free(abs);
  ol_free(rel);
  return out;
}

static bool not_product_dir(const char *path, const char *name) {
  for (const char *const *s = NOT_PRODUCT_DIRS; *s; s++)
    if (!strcmp(name, *s))
      return true;
  size_t n = strlen(path), nl = strlen(name);
  return !strcmp(name, "versions") && n >= nl + 8 && !strncmp(path + n - nl - 8, "alembic/", 8);
}

static bool skip_dir(const ol_fs *fs, const ol_discovery *d, const char *path, const char *name) {
  for (const char *const *s = SKIP_DIRS; *s && !(d->cfg && d->cfg->exclude); s++)
    if (!strcmp(name, *s))
      return true;
  /* Walking down, the directories above were judged already: the name is enough. */
  bool np = !(d->cfg && d->cfg->exclude) && not_product_dir(path, name);
  if (np || excluded(d, path))
    return true;
  char *cfg = ol_format("%s/pyvenv.cfg", path); /* a virtualenv under any name */
  struct stat st;
  bool venv = fs->stat(cfg, &st) == 0;
  ol_free(cfg);
  return venv;
}

static bool ends_with_py(const char *name) {
  size_t n = strlen(name);
  return n > 3 && !strcmp(name + n - 3, ".py");
}

/* A Jinja template of the project's template folders (analyzer/jinja.h). */
static bool is_template(const ol_discovery *d, const char *path) {
  char *abs = ol_path_absolute(path);
  char *rel = d->root ? ol_path_relative(d->root, abs) : ol_strdup(abs);
  bool t = ol_jinja_is_template(rel, d->cfg ? d->cfg->template_dirs : NULL,
                                d->cfg ? d->cfg->n_template_dirs : 0);
  ol_free(abs);
  ol_free(rel);
  return t;
}

static bool wanted(const ol_discovery *d, const char *path, const char *name) {
  return ends_with_py(name) || (ol_jinja_has_template_ext(name) && is_template(d, path));
}

static void add_file(ol_discovery *d, const char *path, bool explicit_file) {
  ol_found f = {
      .path = ol_strdup(path), .abs = ol_path_absolute(path), .explicit_file = explicit_file};
  ol_vec_push(&d->files, f);
}

typedef struct {
  dev_t dev;
  ino_t ino;
} dir_id;

bool ol_path_is_within(const char *bound, const char *real) {
  size_t n = strlen(bound);
  if (!strcmp(bound, "/"))
    return true;
  return !strncmp(real, bound, n) && (real[n] == '/' || !real[n]);
}

/* The real path a walk from top stays in: the project root's, or top's own
 * when top (given on the command line) is elsewhere. NULL: links are not
 * resolved (a file system without real_path). */
static char *walk_bound(const ol_fs *fs, const char *top, const ol_discovery *d) {
  if (!fs->real_path)
    return NULL;
  char *real_top = fs->real_path(top);
  char *real_root = d->root ? fs->real_path(d->root) : NULL;
  if (real_root && real_top && !ol_path_is_within(real_root, real_top)) {
    ol_free(real_root);
    return real_top;
  }
  ol_free(real_top);
  return real_root;
}

/* A symbolic link found while walking is followed only when its target is
 * inside bound: a link to `/`, to a parent or to another tree would make the
 * walk read (and --fix write) files that are not the project's. */
static bool link_leaves(const ol_fs *fs, const char *bound, const char *path, ol_discovery *d) {
  if (!bound)
    return false;
  char *real = fs->real_path(path);
  bool out = real && !ol_path_is_within(bound, real);
  if (out)
    note(d, OL_NOTE_WARNING, path,
         ol_format("skipped: a symbolic link to %s, outside the project", real));
  ol_free(real);
  return out;
}

/* The directories walked, by identity: a set, so a tree of 100,000
 * directories costs 100,000 lookups, not 100,000 squared / 2 compares. */
typedef struct {
  dir_id *slots; /* ino 0 (never a directory's) marks a free slot */
  size_t n_slots, len;
} dir_set;

static size_t dir_slot(const dir_set *s, dir_id id) {
  uint64_t h = ((uint64_t)id.ino * 0x9e3779b97f4a7c15ull) ^ (uint64_t)id.dev;
  size_t i = (size_t)(h ^ (h >> 29)) & (s->n_slots - 1), probes = 1;
  while (s->slots[i].ino && (s->slots[i].ino != id.ino || s->slots[i].dev != id.dev))
    i = (i + 1) & (s->n_slots - 1), probes++;
  ol_stat_add(OL_STAT_DIR_PROBES, probes);
  return i;
}

/* Adds id; false when it was there already (a loop, or a directory reached twice). */
static bool dir_set_add(dir_set *s, dir_id id) {
  if (!id.ino)
    id.ino = (ino_t)-1; /* a file system without inode numbers: one entry */
  if (2 * (s->len + 1) > s->n_slots) {
    dir_set bigger = {ol_calloc(s->n_slots ? 2 * s->n_slots : 64, sizeof(dir_id)),
                      s->n_slots ? 2 * s->n_slots : 64, s->len};
    for (size_t i = 0; i < s->n_slots; i++)
      if (s->slots[i].ino)
        bigger.slots[dir_slot(&bigger, s->slots[i])] = s->slots[i];
    ol_free(s->slots);
    *s = bigger;
  }
  size_t i = dir_slot(s, id);
  if (s->slots[i].ino)
    return false;
  s->slots[i] = id;
  s->len++;
  return true;
}

/* dir/name (one slash between them); caller frees. */
static char *join_path(const char *dir, const char *name) {
  size_t dn = strlen(dir), nn = strlen(name);
  bool slash = dn && dir[dn - 1] == '/';
  char *p = ol_malloc(dn + !slash + nn + 1);
  memcpy(p, dir, dn);
  if (!slash)
    p[dn++] = '/';
  memcpy(p + dn, name, nn + 1);
  return p;
}

static void walk_dir(const ol_fs *fs, const char *top, ol_discovery *d) {
  char *bound = walk_bound(fs, top, d);
  OL_VEC(char *) todo = {0};
  dir_set seen = {0};
  ol_vec_push(&todo, ol_strdup(top));
  while (todo.len) {
    char *dir = todo.items[--todo.len];
    struct stat st;
    bool loop = false;
    if (fs->stat(dir, &st) == 0)
      loop = !dir_set_add(&seen, (dir_id){st.st_dev, st.st_ino});
    DIR *dh = loop ? NULL : fs->opendir(dir);
    if (dh)
      ol_stat_add(OL_STAT_DIRS_WALKED, 1);
    if (!dh && !loop) {
      note(d, OL_NOTE_ERROR, dir, ol_format("cannot read directory: %s", strerror(errno)));
      d->io_error = true;
    }
    for (struct dirent *e; dh && (e = readdir(dh));) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      /* The entry's type from the directory itself spares an lstat per file
       * (a pre-commit run walks the whole project): only links and unknown
       * types are asked about. */
      if (e->d_type == DT_REG && !ends_with_py(e->d_name) && !ol_jinja_has_template_ext(e->d_name))
        continue;
      char *p = join_path(dir, e->d_name);
      if (e->d_type == DT_REG && !wanted(d, p, e->d_name)) {
        ol_free(p);
        continue;
      }
      if (e->d_type == DT_REG && !excluded(d, p)) {
        if ((d->cfg && d->cfg->exclude) || !is_test_file_name(e->d_name, strlen(e->d_name)))
          add_file(d, p, false);
        ol_free(p);
        continue;
      }
      struct stat lst, tst;
      if (e->d_type == DT_DIR)
        lst.st_mode = S_IFDIR;
      else if (e->d_type == DT_REG)
        lst.st_mode = S_IFREG;
      else if (fs->lstat(p, &lst) != 0) {
        ol_free(p);
        continue;
      }
      bool link = S_ISLNK(lst.st_mode);
      bool target_ok = !link || fs->stat(p, &tst) == 0;
      const struct stat *s = link ? &tst : &lst;
      if (!target_ok) {
        if (ends_with_py(e->d_name))
          note(d, OL_NOTE_WARNING, p, ol_strdup("skipped: broken symbolic link"));
      } else if (S_ISDIR(s->st_mode)) {
        if (!skip_dir(fs, d, p, e->d_name) && !(link && link_leaves(fs, bound, p, d))) {
          ol_vec_push(&todo, p);
          p = NULL;
        }
      } else if (wanted(d, p, e->d_name) && !excluded(d, p) &&
                 ((d->cfg && d->cfg->exclude) ||
                  !is_test_file_name(e->d_name, strlen(e->d_name))) &&
                 !(link && S_ISREG(s->st_mode) && link_leaves(fs, bound, p, d))) {
        add_file(d, p, false); /* non-regular files are reported when read */
      }
      ol_free(p);
    }
    if (dh)
      closedir(dh);
    ol_free(dir);
  }
  ol_vec_free(&todo);
  ol_free(seen.slots);
  ol_free(bound);
}

void ol_discover(const ol_fs *fs, const char *path, ol_discovery *d) {
  if (excluded(d, path))
    return;
  char *probe = ol_format("%s/x", path);
  bool np = not_product(d, probe) || (ends_with_py(path) && not_product(d, path));
  ol_free(probe);
  if (np)
    return;
  struct stat st;
  if (fs->stat(path, &st) != 0) {
    note(d, OL_NOTE_ERROR, path, ol_format("cannot read: %s", strerror(errno)));
    d->io_error = true;
    return;
  }
  if (S_ISDIR(st.st_mode))
    walk_dir(fs, path, d);
  else if (!ol_jinja_has_template_ext(path) || is_template(d, path))
    add_file(d, path, true); /* HTML outside the template folders is not a template */
}

static int by_abs(const void *a, const void *b) {
  return strcmp(((const ol_found *)a)->abs, ((const ol_found *)b)->abs);
}

void ol_discovery_finish(ol_discovery *d) {
  if (d->files.len > 1)
    qsort(d->files.items, d->files.len, sizeof(ol_found), by_abs);
  size_t out = 0;
  for (size_t i = 0; i < d->files.len; i++) {
    if (out && !strcmp(d->files.items[out - 1].abs, d->files.items[i].abs)) {
      d->files.items[out - 1].explicit_file |= d->files.items[i].explicit_file;
      ol_free(d->files.items[i].path);
      ol_free(d->files.items[i].abs);
      continue;
    }
    d->files.items[out++] = d->files.items[i];
  }
  d->files.len = out;
}

void ol_discovery_free(ol_discovery *d) {
  for (size_t i = 0; i < d->files.len; i++) {
    ol_free(d->files.items[i].path);
    ol_free(d->files.items[i].abs);
  }
  ol_vec_free(&d->files);
  for (size_t i = 0; i < d->notes.len; i++) {
    ol_free(d->notes.items[i].path);
    ol_free(d->notes.items[i].message);
  }
  ol_vec_free(&d->notes);
}
