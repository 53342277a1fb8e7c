/* What the engine is told to do: selection, patterns, fix mode, the files
 * to leave out. Filled from pyproject.toml's [tool.ormlint]
 * (analyzer/pyproject.c), then from the command line over it; the engine
 * only reads it. */
#ifndef OL_CONFIG_H
#define OL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "status.h"

typedef enum { OL_FIXMODE_NONE, OL_FIXMODE_SAFE, OL_FIXMODE_UNSAFE } ol_fix_mode;

/* per-file-ignores: the codes (or prefixes, or ALL) a glob's files ignore. */
typedef struct {
  char *glob;
  char **codes;
  size_t n_codes;
} ol_file_ignore;

/* Every pointer is owned by the config and freed by ol_config_free. */
typedef struct {
  char **select; /* codes or prefixes; NULL/empty = every rule */
  size_t n_select;
  char **ignore;
  size_t n_ignore;
  char *session_names; /* PCRE2 over a receiver's dotted text */
  pcre2_code *session_re;
  pcre2_code *db_re; /* the Flask-SQLAlchemy extension object: db.get_or_404 ... */
  ol_fix_mode fix_mode;
  bool diff; /* print fixes as a diff, write nothing */
  int jobs;
  /* The directory (absolute) of the pyproject.toml the settings came from:
   * the globs below are relative to it. NULL: relative to the project root. */
  char *config_dir;
  ol_file_ignore *per_file_ignores;
  size_t n_per_file_ignores;
  /* Globs of files and directories to leave out (neither checked nor
   * indexed), applied to paths given explicitly too. `exclude` replaces the
   * built-in list of directory names (.git, .venv, build, node_modules ...;
   * see analyzer/discover.c) as ruff's does: NULL keeps that list, an empty
   * array drops it. `extend_exclude` adds to whichever applies. */
  char **exclude;
  size_t n_exclude;
  char **extend_exclude;
  size_t n_extend_exclude;
  char **model_bases; /* extra base classes that make a class a model ("BaseModel") */
  size_t n_model_bases;
  char **memoizers; /* extra memoizing decorators, dotted as written or their last name */
  size_t n_memoizers;
  char **template_dirs; /* folders of Jinja templates besides those named `templates` (relative to
                           the project root) */
  size_t n_template_dirs;
  char **query_terminals; /* extra method names that run a query (like .all()) */
  size_t n_query_terminals;
  char *dialect; /* "postgresql", "sqlite", "mysql", or NULL; for --emit-sql */
  /* The SQLAlchemy fixes are written for (target-sqlalchemy,
   * --target-sqlalchemy): 13, 14 or 20; 0 reads the project's requirements
   * (analyzer/requirements.h). */
  int target_sqlalchemy;
  bool no_prefilter; /* parse every file (--no-prefilter): the prefilter's reference */
  bool no_cache;     /* neither read nor write .ormlint_cache/ (--no-cache) */
  /* Files larger than this many bytes are skipped with a notification
   * (max-file-size, --max-file-size; OL_DEFAULT_MAX_FILE_SIZE). */
  size_t max_file_size;
} ol_config;

/* `session`, `*_session`, and the scoped-session convention of SQLAlchemy's
 * own documentation, Pyramid and CKAN: `Session`, `DBSession` (also as
 * `meta.Session`, `model.Session`). */
#define OL_DEFAULT_SESSION_NAMES                                                                   \
  "(?:^|\\.)(?:session|Session|DBSession|ScopedSession|[A-Za-z_]\\w*_session)$"
#define OL_DEFAULT_DB_NAMES "(?:^|\\.)db$"
#define OL_DEFAULT_MAX_FILE_SIZE ((size_t)10 << 20)
/* The largest max-file-size accepted: positions in a file are 32-bit. */
#define OL_MAX_FILE_SIZE_LIMIT ((size_t)1 << 30)

/* Fills defaults. */
void ol_config_init(ol_config *c);
/* Compiles the patterns; OL_ERR_USAGE with err filled on a bad pattern. */
ol_status ol_config_compile(ol_config *c, ol_error *err);
void ol_config_free(ol_config *c);
/* Whether rule `code` is selected (select/ignore by code or prefix). */
bool ol_config_selects(const ol_config *c, const char *code);
/* Whether code is a rule code, a prefix of one, or ALL: what --select and
 * the config's select/ignore accept. */
bool ol_config_is_rule_code(const char *code);
/* Whether the file at rel_path (relative to config_dir, '/'-separated)
 * ignores rule `code` by per-file-ignores. A glob is matched with fnmatch
 * (no flags: `*` crosses '/'; a leading `**` + '/' also matches at the top),
 * and a glob without '/' against the file's name too, as ruff does. */
bool ol_config_file_ignores(const ol_config *c, const char *rel_path, const char *code);
/* Whether rel_path (relative to config_dir), or a directory above it up to
 * config_dir, matches exclude or extend_exclude, matched like per-file-ignores. */
bool ol_config_excluded(const ol_config *c, const char *rel_path);
/* Whether exclude or extend_exclude hold any glob. */
bool ol_config_has_excludes(const ol_config *c);
/* root_rel (relative to the project root `root`) made relative to
 * config_dir; a copy when they are the same. Caller frees. */
char *ol_config_rel_path(const ol_config *c, const char *root, const char *root_rel);
/* A size as max-file-size takes it: a number of bytes, or one with a binary
 * unit ("10M", "512KiB", "1GB": K, M, G = 1024, 1024^2, 1024^3; case and a
 * trailing B or iB do not matter), from 1 byte to OL_MAX_FILE_SIZE_LIMIT.
 * False for anything else. */
bool ol_size_parse(const char *s, size_t *out);
/* "10 MiB", "512 KiB", "100 bytes": n as people read it, into buf. */
const char *ol_size_text(size_t n, char *buf, size_t len);
/* Compiles a PCRE2 pattern (UTF, JIT); NULL with why ("at offset 3: ...") on
 * a bad one, or one whose backtracking reaches the match limit on a long name. */
pcre2_code *ol_re_compile(const char *pattern, char *why, size_t why_len);
/* Whether re reaches PCRE2's match or depth limit on one of the probe names
 * (200 bytes): ol_re_compile refuses such a pattern (the built-in ones are
 * not probed: they pass, as a unit test checks). */
bool ol_re_too_costly(const pcre2_code *re);
/* Whether text[0..len) matches re, within PCRE2 match and depth limits. */
bool ol_re_match(const pcre2_code *re, const char *text, size_t len);

#endif
