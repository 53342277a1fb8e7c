/* Configuration defaults, pattern compilation, rule selection, and the
 * globs of per-file-ignores and exclude. */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#if defined(__has_include) && __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
/* memcheck cannot follow JIT code: it reports its reads as uninitialised */
#define ON_VALGRIND RUNNING_ON_VALGRIND
#else
#define ON_VALGRIND 0
#endif
#include "discover.h"
#include "rule.h"

void ol_config_init(ol_config *c) {
  memset(c, 0, sizeof *c);
  c->session_names = ol_strdup(OL_DEFAULT_SESSION_NAMES);
  c->jobs = 0;
  c->max_file_size = OL_DEFAULT_MAX_FILE_SIZE;
}

bool ol_size_parse(const char *s, size_t *out) {
  size_t n = 0, digits = 0;
  for (; *s >= '0' && *s <= '9'; s++, digits++) {
    if (n > OL_MAX_FILE_SIZE_LIMIT)
      return false;
    n = n * 10 + (size_t)(*s - '0');
  }
  static const char *const units[] = {"K", "M", "G"};
  int shift = 0;
  for (int u = 0; u < 3 && *s; u++)
    if (toupper((unsigned char)*s) == units[u][0])
      shift = 10 * (u + 1);
  if (shift)
    s++;
  if (shift && (*s == 'i' || *s == 'I'))
    s++;
  if (*s == 'b' || *s == 'B')
    s++;
  if (!digits || *s || n > (OL_MAX_FILE_SIZE_LIMIT >> shift) || !n)
    return false;
  *out = n << shift;
  return true;
}

const char *ol_size_text(size_t n, char *buf, size_t len) {
  if (n >= (1u << 20) && n % (1u << 20) == 0)
    snprintf(buf, len, "%zu MiB", n >> 20);
  else if (n >= (1u << 20))
    snprintf(buf, len, "%.1f MiB", n / 1048576.0);
  else if (n >= 1024 && n % 1024 == 0)
    snprintf(buf, len, "%zu KiB", n >> 10);
  else
    snprintf(buf, len, "%zu bytes", n);
  return buf;
}

/* A pattern is matched against every receiver of the project: its cost per
 * match is bounded (a nested quantifier, `(\w+)*x`, backtracks
 * exponentially), and a pattern that reaches the bound on a name of the
 * longest length matched (200 bytes, exec.c) is refused when it is read. */
#define MATCH_LIMIT 100000
#define DEPTH_LIMIT 10000
#define PROBE_LEN 200

static int re_match(const pcre2_code *re, const char *text, size_t len) {
  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(mc, MATCH_LIMIT);
  pcre2_set_depth_limit(mc, DEPTH_LIMIT);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  int rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, md, mc);
  pcre2_match_data_free(md);
  pcre2_match_context_free(mc);
  return rc;
}

/* Names that make a backtracking pattern explore every split: one
 * character repeated, dotted parts repeated, every letter (a required
 * character missing would fail the match before any backtracking), each
 * with a tail that fails. */
bool ol_re_too_costly(const pcre2_code *re) {
  static const char *const units[] = {"a",
                                      "_",
                                      "1",
                                      "a.",
                                      "session.",
                                      "abcdefghijklmnopqrstuvwxyz_0123456789",
                                      "abcdefghijklmnopqrstuvwxyz.",
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"};
  static const char *const tails[] = {"", "!", ".", "(", " "};
  char probe[PROBE_LEN + 2];
  for (size_t u = 0; u < sizeof units / sizeof *units; u++)
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
      size_t ul = strlen(units[u]), n = 0;
      while (n + ul <= PROBE_LEN - 1) {
        memcpy(probe + n, units[u], ul);
        n += ul;
      }
      probe[n] = tails[t][0];
      n += tails[t][0] != '\0';
      int rc = re_match(re, probe, n);
      if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
          rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return true;
    }
  return false;
}

pcre2_code *ol_re_compile(const char *pattern, char *why, size_t why_len) {
  int code;
  PCRE2_SIZE off;
  pcre2_code *re =
      pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    snprintf(why, why_len, "at offset %zu: %s", (size_t)off, (char *)msg);
    return NULL;
  }
  if (!ON_VALGRIND)
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* probed as it will run */
  /* The built-in patterns pass the probe (tests/unit/test_pyproject.c):
   * every run compiles them, and the probe is 40 matches of each. */
  bool builtin =
      !strcmp(pattern, OL_DEFAULT_SESSION_NAMES) || !strcmp(pattern, OL_DEFAULT_DB_NAMES);
  if (!builtin && ol_re_too_costly(re)) {
    snprintf(why, why_len,
             "is too costly: on a %d-character name it reaches PCRE2's match limit (%d steps); "
             "a nested quantifier such as (\\w+)* backtracks exponentially",
             PROBE_LEN, MATCH_LIMIT);
    pcre2_code_free(re);
    return NULL;
  }
  return re;
}

static pcre2_code *compile(const char *pattern, const char *what, ol_error *err) {
  char why[320];
  pcre2_code *re = ol_re_compile(pattern, why, sizeof why);
  if (!re)
    ol_error_set(err, "", 0, "invalid %s pattern '%s' %s", what, pattern, why);
  return re;
}

ol_status ol_config_compile(ol_config *c, ol_error *err) {
  if (c->session_re)
    pcre2_code_free(c->session_re);
  if (c->db_re)
    pcre2_code_free(c->db_re);
  c->db_re = NULL;
  c->session_re = compile(c->session_names, "--session-names", err);
  if (!c->session_re)
    return OL_ERR_USAGE;
  c->db_re = compile(OL_DEFAULT_DB_NAMES, "db-names", err);
  return c->db_re ? OL_OK : OL_ERR_USAGE;
}

static void free_list(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    ol_free(l[i]);
  ol_free(l);
}

void ol_config_free(ol_config *c) {
  free_list(c->select, c->n_select);
  free_list(c->ignore, c->n_ignore);
  for (size_t i = 0; i < c->n_per_file_ignores; i++) {
    ol_free(c->per_file_ignores[i].glob);
    free_list(c->per_file_ignores[i].codes, c->per_file_ignores[i].n_codes);
  }
  ol_free(c->per_file_ignores);
  free_list(c->exclude, c->n_exclude);
  free_list(c->extend_exclude, c->n_extend_exclude);
  free_list(c->model_bases, c->n_model_bases);
  free_list(c->memoizers, c->n_memoizers);
  free_list(c->template_dirs, c->n_template_dirs);
  free_list(c->query_terminals, c->n_query_terminals);
  ol_free(c->dialect);
  ol_free(c->config_dir);
  ol_free(c->session_names);
  if (c->session_re)
    pcre2_code_free(c->session_re);
  if (c->db_re)
    pcre2_code_free(c->db_re);
  memset(c, 0, sizeof *c);
}

static bool matches_any(char **list, size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], "ALL") == 0 || strncmp(code, list[i], strlen(list[i])) == 0)
      return true;
  return false;
}

bool ol_config_selects(const ol_config *c, const char *code) {
  if (c->n_select && !matches_any(c->select, c->n_select, code))
    return false;
  return !matches_any(c->ignore, c->n_ignore, code);
}

bool ol_config_is_rule_code(const char *code) {
  size_t len = strlen(code);
  if (!len)
    return false;
  if (!strcmp(code, "ALL") || !strncmp("ORM", code, len))
    return true;
  for (size_t i = 0; i < ol_rule_count(); i++)
    if (!strncmp(ol_rule_metas()[i].code, code, len))
      return true;
  return false;
}

static bool glob_match(const char *glob, const char *path) {
  if (fnmatch(glob, path, 0) == 0)
    return true;
  return !strncmp(glob, "**/", 3) && fnmatch(glob + 3, path, 0) == 0;
}

/* path (a file or directory relative to config_dir) against one glob. */
static bool glob_matches(const char *glob, const char *path) {
  if (glob_match(glob, path))
    return true;
  if (strchr(glob, '/'))
    return false;
  const char *slash = strrchr(path, '/');
  return slash && glob_match(glob, slash + 1);
}

bool ol_config_file_ignores(const ol_config *c, const char *rel_path, const char *code) {
  for (size_t i = 0; i < c->n_per_file_ignores; i++) {
    const ol_file_ignore *fi = &c->per_file_ignores[i];
    if (matches_any(fi->codes, fi->n_codes, code) && glob_matches(fi->glob, rel_path))
      return true;
  }
  return false;
}

bool ol_config_has_excludes(const ol_config *c) { return c->n_exclude || c->n_extend_exclude; }

static bool excludes_one(const ol_config *c, const char *path) {
  for (size_t i = 0; i < c->n_exclude; i++)
    if (glob_matches(c->exclude[i], path))
      return true;
  for (size_t i = 0; i < c->n_extend_exclude; i++)
    if (glob_matches(c->extend_exclude[i], path))
      return true;
  return false;
}

bool ol_config_excluded(const ol_config *c, const char *rel_path) {
  if (!ol_config_has_excludes(c))
    return false;
  if (rel_path[0] == '/') /* outside config_dir: no directory above counts */
    return excludes_one(c, rel_path);
  char *p = ol_strdup(rel_path);
  bool out = false;
  for (char *slash = p; !out && slash;) {
    slash = strchr(slash + (slash != p), '/');
    if (slash)
      *slash = '\0';
    out = excludes_one(c, p); /* each directory down from config_dir, then the file */
    if (slash)
      *slash = '/';
  }
  ol_free(p);
  return out;
}

char *ol_config_rel_path(const ol_config *c, const char *root, const char *root_rel) {
  if (!c->config_dir || !strcmp(c->config_dir, root) || root_rel[0] == '/')
    return ol_strdup(root_rel);
  char *joined = ol_format("%s/%s", strcmp(root, "/") ? root : "", root_rel);
  char *abs = ol_path_absolute(joined);
  char *rel = ol_path_relative(c->config_dir, abs);
  ol_free(joined);
  ol_free(abs);
  return rel;
}

bool ol_re_match(const pcre2_code *re, const char *text, size_t len) {
  return re_match(re, text, len) >= 0; /* a limit reached: no match */
}
