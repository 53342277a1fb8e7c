/* [tool.ormlint] in pyproject.toml. The file is parsed with the tree-sitter
 * TOML grammar and walked with cursors and a frame stack no deeper than the
 * key paths we read (tool.ormlint.per-file-ignores.GLOB), so neither a deep
 * nesting nor a long dotted key can exhaust the C stack. Keys are read into
 * a staging config and moved into the caller's only when the whole table is
 * valid: an error leaves the caller's config as it was. */
#include "pyproject.h"
#include "requirements.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "alloc.h"
#include "discover.h"
#include "source.h"

const TSLanguage *tree_sitter_toml(void);

/* Past this, parsing gives up: a backstop only (the worst input measured
 * under the size limit takes 0.7 s; 7 s under valgrind). */
#define PARSE_TIMEOUT_US (20u * 1000 * 1000)
/* Read at most this much (only a file that mentions ormlint must be under
 * OL_PYPROJECT_MAX_BYTES; a huge one that does not is passed over). */
#define READ_MAX_BYTES (16u << 20)
/* Key-path components kept: tool, ormlint, per-file-ignores, GLOB. */
#define MAX_KEYS 4

typedef enum {
  K_SELECT,
  K_IGNORE,
  K_PER_FILE_IGNORES,
  K_EXCLUDE,
  K_EXTEND_EXCLUDE,
  K_SESSION_NAMES,
  K_MODEL_BASES,
  K_MEMOIZERS,
  K_QUERY_TERMINALS,
  K_DIALECT,
  K_MAX_FILE_SIZE,
  K_TARGET_SQLALCHEMY,
  K_TEMPLATE_DIRS,
  K_COUNT
} key_id;

static const char *const KEY_NAMES[K_COUNT] = {
    "select",          "ignore",        "per-file-ignores", "exclude",
    "extend-exclude",  "session-names", "model-bases",      "memoizers",
    "query-terminals", "dialect",       "max-file-size",    "target-sqlalchemy",
    "template-dirs"};
static const char *const KEY_TYPES[K_COUNT] = {
    "an array of rule codes",
    "an array of rule codes",
    "a table of glob = [rule codes]",
    "an array of globs",
    "an array of globs",
    "a string (a PCRE2 pattern)",
    "an array of class names",
    "an array of decorator names",
    "an array of method names",
    "a string",
    "a number of bytes or a string with a unit (\"10M\")",
    "a string (\"1.3\", \"1.4\" or \"2.0\")",
    "an array of folders (relative to the project root)"};
static const char *const DIALECTS[] = {"postgresql", "sqlite", "mysql", NULL};

/* The node kinds the reader tells apart, resolved once per parse. */
/* clang-format off */
#define TOML_KINDS(X) \
  X(table) X(table_array_element) X(pair) X(bare_key) X(quoted_key) X(dotted_key) X(string) \
  X(array) X(inline_table) X(comment) X(integer) X(float) X(boolean) X(offset_date_time) \
  X(local_date_time) X(local_date) X(local_time)
/* clang-format on */
typedef enum {
  T_OTHER,
#define X(name) T_##name,
  TOML_KINDS(X)
#undef X
      T_COUNT
} toml_kind;

typedef struct {
  char *k[MAX_KEYS];
  size_t n; /* components, counted beyond MAX_KEYS too */
} key_path;

/* A table being read: a cursor on its current child and its key path. */
typedef struct {
  TSTreeCursor c;
  key_path prefix;
} frame;

typedef struct {
  const char *path; /* for messages */
  const char *src;
  uint32_t len;
  ol_error *err;
  bool failed;
  TSSymbol sym[T_COUNT];
  ol_arena arena; /* decoded keys */
  ol_config st;   /* the keys read (only those fields) */
  bool has[K_COUNT];
  uint32_t line[K_COUNT];
  bool table; /* [tool.ormlint] seen */
  uint32_t table_line;
  OL_VEC(frame) frames;
} reader;

/* ---- errors and node kinds -------------------------------------------------- */

static uint32_t line_of(TSNode n) {
  return ts_node_is_null(n) ? 0 : ts_node_start_point(n).row + 1;
}

static void fail_at(reader *r, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_at(reader *r, uint32_t line, const char *fmt, ...) {
  if (r->failed)
    return;
  r->failed = true;
  char msg[448];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (line)
    ol_error_set(r->err, r->path, line, "%s:%u: %s", r->path, line, msg);
  else
    ol_error_set(r->err, r->path, 0, "%s: %s", r->path, msg);
}
#define fail(r, node, ...) fail_at(r, line_of(node), __VA_ARGS__)

static void resolve_kinds(reader *r) {
  const TSLanguage *lang = tree_sitter_toml();
  static const char *const names[T_COUNT] = {"",
#define X(name) #name,
                                             TOML_KINDS(X)
#undef X
  };
  for (int k = 1; k < T_COUNT; k++)
    r->sym[k] =
        ts_language_symbol_for_name(lang, names[k], (uint32_t)strlen(names[k]), /*named*/ true);
}

static toml_kind kind_of(const reader *r, TSNode n) {
  TSSymbol s = ts_node_symbol(n);
  for (int k = 1; k < T_COUNT; k++)
    if (r->sym[k] == s)
      return (toml_kind)k;
  return T_OTHER;
}

static const char *type_name(const reader *r, TSNode n) {
  switch (kind_of(r, n)) {
  case T_string:
    return "a string";
  case T_integer:
    return "an integer";
  case T_float:
    return "a float";
  case T_boolean:
    return "a boolean";
  case T_array:
    return "an array";
  case T_inline_table:
    return "a table";
  case T_offset_date_time:
  case T_local_date_time:
  case T_local_date:
  case T_local_time:
    return "a date or time";
  default:
    return "a value of another type";
  }
}

/* ---- strings ---------------------------------------------------------------- */

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool put_codepoint(ol_buf *b, const char *hex, size_t digits) {
  uint32_t cp = 0;
  for (size_t i = 0; i < digits; i++) {
    int v = hex_value(hex[i]);
    if (v < 0)
      return false;
    cp = cp * 16 + (uint32_t)v;
  }
  if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return false; /* NUL has no place in a C string; surrogates are not scalar values */
  char u[4];
  size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
  for (size_t i = n - 1; i > 0; i--, cp >>= 6)
    u[i] = (char)(0x80 | (cp & 0x3f));
  u[0] = (char)(n == 1 ? cp : (lead[n] | cp));
  ol_buf_add(b, u, n);
  return true;
}

static bool is_ws(char c) { return c == ' ' || c == '\t'; }

/* A multi-line basic string's line-ending backslash at s[i] (just after the
 * '\\'): skips the whitespace and line breaks that follow; false when the
 * rest of the line is not blank. */
static bool skip_line_ending(const char *s, size_t n, size_t *i) {
  size_t j = *i;
  while (j < n && is_ws(s[j]))
    j++;
  if (j == n || (s[j] != '\n' && s[j] != '\r'))
    return false;
  while (j < n && (is_ws(s[j]) || s[j] == '\n' || s[j] == '\r'))
    j++;
  *i = j;
  return true;
}

/* The escapes of a basic string body into b; false on an invalid one. */
static bool unescape(ol_buf *b, const char *s, size_t n, bool multiline) {
  for (size_t i = 0; i < n;) {
    if (s[i] == '\0')
      return false;
    if (s[i] != '\\') {
      ol_buf_putc(b, s[i++]);
      continue;
    }
    if (++i == n)
      return false;
    char e = s[i++];
    static const char from[] = "btnfre\"\\", to[] = "\b\t\n\f\r\x1b\"\\";
    const char *m = strchr(from, e);
    if (m && e) {
      ol_buf_putc(b, to[m - from]);
    } else if (e == 'u' || e == 'U') {
      size_t digits = e == 'u' ? 4 : 8;
      if (n - i < digits || !put_codepoint(b, s + i, digits))
        return false;
      i += digits;
    } else if (multiline && (is_ws(e) || e == '\n' || e == '\r')) {
      i--;
      if (!skip_line_ending(s, n, &i))
        return false;
    } else {
      return false;
    }
  }
  return true;
}

/* The text of a string node or key, decoded: an arena string, or NULL after
 * fail() (an invalid escape or a NUL character). */
static char *decode(reader *r, TSNode n, const char *what) {
  const char *s = r->src + ts_node_start_byte(n);
  size_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
  size_t q = len >= 6 && (!strncmp(s, "\"\"\"", 3) || !strncmp(s, "'''", 3)) ? 3
             : len >= 2 && (s[0] == '"' || s[0] == '\'')                     ? 1
                                                                             : 0;
  bool basic = q && s[0] == '"';
  const char *body = s + q;
  size_t blen = len - 2 * q;
  if (q == 3 && blen && body[0] == '\n') /* a newline right after """ is trimmed */
    body++, blen--;
  else if (q == 3 && blen >= 2 && body[0] == '\r' && body[1] == '\n')
    body += 2, blen -= 2;
  ol_buf b = {0};
  bool ok = basic ? unescape(&b, body, blen, q == 3) : (ol_buf_add(&b, body, blen), true);
  if (ok && b.s && strlen(b.s) != b.len)
    ok = false;
  if (!ok) {
    ol_buf_free(&b);
    fail(r, n, "%s: invalid escape sequence or NUL character", what);
    return NULL;
  }
  char *out = ol_arena_strndup(&r->arena, b.s ? b.s : "", b.len);
  ol_buf_free(&b);
  return out;
}

/* ---- key paths -------------------------------------------------------------- */

/* Appends the components of key (a bare, quoted or dotted key) to path,
 * in order; only the first MAX_KEYS are kept, the rest counted. */
static void append_key(reader *r, TSNode key, key_path *path) {
  TSTreeCursor c = ts_tree_cursor_new(key);
  for (bool more = true; more && !r->failed;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    toml_kind k = kind_of(r, n);
    if (k == T_bare_key || k == T_quoted_key) {
      if (path->n < MAX_KEYS)
        path->k[path->n] = decode(r, n, "key");
      path->n++;
    } else if (ts_tree_cursor_goto_first_child(&c)) {
      continue;
    }
    while (!(more = ts_tree_cursor_goto_next_sibling(&c)) && ts_tree_cursor_goto_parent(&c))
      ;
  }
  ts_tree_cursor_delete(&c);
}

static bool is(const key_path *p, size_t i, const char *s) {
  return i < p->n && i < MAX_KEYS && p->k[i] && !strcmp(p->k[i], s);
}

typedef enum { W_OUTSIDE, W_PREFIX, W_INSIDE } where;

/* Where a path lies: outside [tool.ormlint], above it ([] or [tool]), in it. */
static where where_of(const key_path *p) {
  if (p->n >= 1 && !is(p, 0, "tool"))
    return W_OUTSIDE;
  if (p->n >= 2 && !is(p, 1, "ormlint"))
    return W_OUTSIDE;
  return p->n < 2 ? W_PREFIX : W_INSIDE;
}

static key_id key_of(const char *name) {
  for (int k = 0; k < K_COUNT; k++)
    if (!strcmp(KEY_NAMES[k], name))
      return (key_id)k;
  return K_COUNT;
}

/* Edit distance of two short strings, capped: for "did you mean". */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[32];
  if (la > 30 || lb > 30)
    return 99;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static void fail_unknown_key(reader *r, TSNode at, const char *name) {
  const char *near = NULL;
  for (int k = 0; k < K_COUNT && !near; k++)
    if (distance(name, KEY_NAMES[k]) <= 2)
      near = KEY_NAMES[k];
  if (near)
    fail(r, at, "[tool.ormlint] unknown key '%s' (did you mean '%s'?)", name, near);
  else
    fail(r, at,
         "[tool.ormlint] unknown key '%s' (known: select, ignore, per-file-ignores, exclude, "
         "extend-exclude, session-names, model-bases, memoizers, query-terminals, dialect, "
         "max-file-size, target-sqlalchemy, template-dirs)",
         name);
}

/* ---- values ----------------------------------------------------------------- */

typedef bool (*item_check)(reader *r, const char *label, TSNode at, char *s);

static bool check_code(reader *r, const char *label, TSNode at, char *s) {
  if (ol_config_is_rule_code(s))
    return true;
  fail(r, at, "%s: unknown rule code or prefix '%s'", label, s);
  return false;
}

/* A glob: "./" in front and "/" behind dropped (paths are matched without them). */
static bool check_glob(reader *r, const char *label, TSNode at, char *s) {
  while (s[0] == '.' && s[1] == '/')
    memmove(s, s + 2, strlen(s + 2) + 1);
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/')
    s[--n] = '\0';
  if (n)
    return true;
  fail(r, at, "%s: empty glob", label);
  return false;
}

static bool is_name_char(unsigned char c, bool first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
         (!first && c >= '0' && c <= '9');
}

/* A Python name, or a dotted one when dots is set. */
static bool is_name(const char *s, bool dots) {
  bool first = true;
  for (; *s; s++) {
    if (dots && *s == '.' && !first && s[1]) {
      first = true;
      continue;
    }
    if (!is_name_char((unsigned char)*s, first))
      return false;
    first = false;
  }
  return !first;
}

static bool check_class(reader *r, const char *label, TSNode at, char *s) {
  if (is_name(s, true))
    return true;
  fail(r, at, "%s: '%s' is not a class name", label, s);
  return false;
}

static bool check_decorator(reader *r, const char *label, TSNode at, char *s) {
  if (is_name(s, true))
    return true;
  fail(r, at, "%s: '%s' is not a decorator name (dotted, without @ or arguments)", label, s);
  return false;
}

static bool check_method(reader *r, const char *label, TSNode at, char *s) {
  if (!is_name(s, false)) {
    fail(r, at, "%s: '%s' is not a method name", label, s);
    return false;
  }
  if (strlen(s) > OL_PYPROJECT_MAX_TERMINAL) {
    fail(r, at, "%s: '%s' is longer than %d characters", label, s, OL_PYPROJECT_MAX_TERMINAL);
    return false;
  }
  return true;
}

static void free_strings(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    ol_free(l[i]);
  ol_free(l);
}

/* The strings of an array, each checked; never NULL on success (an empty
 * array is an empty list, which says "given"). NULL after fail(). */
static char **strings(reader *r, const char *label, const char *type, TSNode value, size_t *n,
                      item_check check) {
  *n = 0;
  if (kind_of(r, value) != T_array) {
    fail(r, value, "%s must be %s, not %s", label, type, type_name(r, value));
    return NULL;
  }
  OL_VEC(char *) out = {0};
  TSTreeCursor c = ts_tree_cursor_new(value);
  for (bool more = ts_tree_cursor_goto_first_child(&c); more && !r->failed;
       more = ts_tree_cursor_goto_next_sibling(&c)) {
    TSNode item = ts_tree_cursor_current_node(&c);
    toml_kind k = kind_of(r, item);
    if (!ts_node_is_named(item) || k == T_comment)
      continue;
    if (k != T_string) {
      fail(r, item, "%s must be %s: found %s", label, type, type_name(r, item));
      break;
    }
    char *s = decode(r, item, label);
    if (!s || !check(r, label, item, s))
      break;
    ol_vec_push(&out, ol_strdup(s));
  }
  ts_tree_cursor_delete(&c);
  if (r->failed) {
    free_strings(out.items, out.len);
    return NULL;
  }
  *n = out.len;
  return out.items ? out.items : ol_calloc(1, sizeof(char *));
}

static char *string_value(reader *r, const char *label, const char *type, TSNode value) {
  if (kind_of(r, value) != T_string) {
    fail(r, value, "%s must be %s, not %s", label, type, type_name(r, value));
    return NULL;
  }
  char *s = decode(r, value, label);
  return s ? ol_strdup(s) : NULL;
}

static void set_session_names(reader *r, const char *label, TSNode value) {
  char *pattern = string_value(r, label, KEY_TYPES[K_SESSION_NAMES], value);
  if (!pattern)
    return;
  char why[320];
  pcre2_code *re = ol_re_compile(pattern, why, sizeof why);
  if (!re) {
    fail(r, value, "%s: invalid pattern '%s' %s", label, pattern, why);
    ol_free(pattern);
    return;
  }
  pcre2_code_free(re);
  r->st.session_names = pattern;
}

static void set_target_sqlalchemy(reader *r, const char *label, TSNode value) {
  char *v = string_value(r, label, KEY_TYPES[K_TARGET_SQLALCHEMY], value);
  if (v && ol_sqla_version_parse(v) < 0)
    fail(r, value, "%s must be \"1.3\", \"1.4\" or \"2.0\", not '%s'", label, v);
  else if (v)
    r->st.target_sqlalchemy = ol_sqla_version_parse(v);
  ol_free(v);
}

static void set_dialect(reader *r, const char *label, TSNode value) {
  char *d = string_value(r, label, "\"postgresql\", \"sqlite\" or \"mysql\"", value);
  for (const char *const *k = DIALECTS; d && *k; k++)
    if (!strcmp(d, *k)) {
      r->st.dialect = d;
      return;
    }
  if (d)
    fail(r, value, "%s must be \"postgresql\", \"sqlite\" or \"mysql\", not '%s'", label, d);
  ol_free(d);
}

/* An integer of bytes (digits, `_` between them) or a string with a unit. */
static void set_max_file_size(reader *r, const char *label, TSNode value) {
  const char *type = KEY_TYPES[K_MAX_FILE_SIZE];
  char *text = NULL;
  if (kind_of(r, value) == T_integer) {
    uint32_t s = ts_node_start_byte(value), e = ts_node_end_byte(value);
    text = ol_malloc(e - s + 1);
    size_t n = 0;
    for (uint32_t i = s; i < e; i++)
      if (r->src[i] != '_')
        text[n++] = r->src[i];
    text[n] = '\0';
  } else if (kind_of(r, value) == T_string) {
    char *s = decode(r, value, label);
    if (!s)
      return;
    text = ol_strdup(s);
  } else {
    fail(r, value, "%s must be %s, not %s", label, type, type_name(r, value));
    return;
  }
  if (!ol_size_parse(text, &r->st.max_file_size))
    fail(r, value,
         "%s must be from 1 byte to 1 GiB (a number of bytes, or \"10M\", \"512K\"), not "
         "'%.40s'",
         label, text);
  ol_free(text);
}

/* `key = value` in [tool.ormlint] (value not a table). */
static void set_key(reader *r, const char *name, TSNode key, TSNode value) {
  key_id id = key_of(name);
  if (id == K_COUNT) {
    fail_unknown_key(r, key, name);
    return;
  }
  if (r->has[id]) {
    fail(r, key, "[tool.ormlint] duplicate key '%s' (first on line %u)", name, r->line[id]);
    return;
  }
  r->has[id] = true;
  r->line[id] = line_of(key);
  char label[64];
  snprintf(label, sizeof label, "[tool.ormlint] '%s'", name);
  const char *type = KEY_TYPES[id];
  ol_config *st = &r->st;
  switch (id) {
  case K_SELECT:
    st->select = strings(r, label, type, value, &st->n_select, check_code);
    break;
  case K_IGNORE:
    st->ignore = strings(r, label, type, value, &st->n_ignore, check_code);
    break;
  case K_EXCLUDE:
    st->exclude = strings(r, label, type, value, &st->n_exclude, check_glob);
    break;
  case K_EXTEND_EXCLUDE:
    st->extend_exclude = strings(r, label, type, value, &st->n_extend_exclude, check_glob);
    break;
  case K_MODEL_BASES:
    st->model_bases = strings(r, label, type, value, &st->n_model_bases, check_class);
    break;
  case K_MEMOIZERS:
    st->memoizers = strings(r, label, type, value, &st->n_memoizers, check_decorator);
    break;
  case K_TEMPLATE_DIRS:
    st->template_dirs = strings(r, label, type, value, &st->n_template_dirs, check_glob);
    break;
  case K_QUERY_TERMINALS:
    st->query_terminals = strings(r, label, type, value, &st->n_query_terminals, check_method);
    break;
  case K_SESSION_NAMES:
    set_session_names(r, label, value);
    break;
  case K_DIALECT:
    set_dialect(r, label, value);
    break;
  case K_MAX_FILE_SIZE:
    set_max_file_size(r, label, value);
    break;
  case K_TARGET_SQLALCHEMY:
    set_target_sqlalchemy(r, label, value);
    break;
  case K_PER_FILE_IGNORES: /* a table is entered instead (enter_table) */
  case K_COUNT:
    fail(r, value, "%s must be %s, not %s", label, type, type_name(r, value));
    break;
  }
}

/* `GLOB = [codes]` in [tool.ormlint.per-file-ignores]. */
static void add_file_ignore(reader *r, const char *glob, TSNode key, TSNode value) {
  char label[256];
  snprintf(label, sizeof label, "[tool.ormlint.per-file-ignores] '%.200s'", glob);
  char *g = ol_strdup(glob);
  if (!check_glob(r, label, key, g)) {
    ol_free(g);
    return;
  }
  for (size_t i = 0; i < r->st.n_per_file_ignores; i++)
    if (!strcmp(r->st.per_file_ignores[i].glob, g)) {
      fail(r, key, "%s: duplicate glob", label);
      ol_free(g);
      return;
    }
  ol_file_ignore fi = {.glob = g};
  fi.codes = strings(r, label, "an array of rule codes", value, &fi.n_codes, check_code);
  if (!fi.codes) {
    ol_free(g);
    return;
  }
  ol_config *st = &r->st;
  st->per_file_ignores =
      ol_realloc(st->per_file_ignores, (st->n_per_file_ignores + 1) * sizeof(ol_file_ignore));
  st->per_file_ignores[st->n_per_file_ignores++] = fi;
}

/* A table at path (a [header] or an inline table) begins at node `at`:
 * whether its pairs are to be read. Errors for tables where a value belongs. */
static bool enter_table(reader *r, const key_path *path, TSNode at) {
  where w = where_of(path);
  if (w != W_INSIDE)
    return w == W_PREFIX;
  if (path->n == 2) {
    if (r->table)
      fail(r, at, "[tool.ormlint] defined twice (first on line %u)", r->table_line);
    r->table = true;
    r->table_line = line_of(at);
    return !r->failed;
  }
  key_id id = key_of(path->k[2]);
  if (id == K_COUNT) {
    fail_unknown_key(r, at, path->k[2]);
  } else if (id != K_PER_FILE_IGNORES) {
    fail(r, at, "[tool.ormlint] '%s' must be %s, not a table", path->k[2], KEY_TYPES[id]);
  } else if (path->n > 3) {
    fail(r, at, "[tool.ormlint.per-file-ignores] '%s' must be an array of rule codes, not a table",
         path->k[3]);
  } else if (r->has[id]) {
    fail(r, at, "[tool.ormlint] duplicate key 'per-file-ignores' (first on line %u)", r->line[id]);
  } else {
    r->has[id] = true;
    r->line[id] = line_of(at);
  }
  return !r->failed;
}

/* `path = value` (path already holds the pair's key); a table value to read
 * next is returned, else a null node. */
static TSNode assign(reader *r, const key_path *path, TSNode key, TSNode value) {
  TSNode none = {0};
  where w = where_of(path);
  if (w == W_OUTSIDE)
    return none;
  if (kind_of(r, value) == T_inline_table)
    return enter_table(r, path, key) ? value : none;
  if (w == W_PREFIX)
    return none;
  if (path->n == 2) {
    fail(r, key, "[tool.ormlint] must be a table, not %s", type_name(r, value));
  } else if (path->n == 3) {
    r->table = true;
    if (!r->table_line)
      r->table_line = line_of(key);
    set_key(r, path->k[2], key, value);
  } else if (is(path, 2, "per-file-ignores") && path->n == 4) {
    r->table = true;
    add_file_ignore(r, path->k[3], key, value);
  } else {
    enter_table(r, path, key); /* a value below a key: that key is a table */
  }
  return none;
}

/* ---- the walk ---------------------------------------------------------------- */

static void push_frame(reader *r, TSNode table, const key_path *prefix) {
  frame f = {.c = ts_tree_cursor_new(table), .prefix = *prefix};
  if (!ts_tree_cursor_goto_first_child(&f.c)) {
    ts_tree_cursor_delete(&f.c);
    return;
  }
  ol_vec_push(&r->frames, f);
}

/* The first two named children of a pair that are not comments: key, value. */
static void pair_parts(const reader *r, TSNode pair, TSNode *key, TSNode *value) {
  *key = *value = (TSNode){0};
  uint32_t n = ts_node_named_child_count(pair);
  for (uint32_t i = 0; i < n && ts_node_is_null(*value); i++) {
    TSNode c = ts_node_named_child(pair, i);
    if (kind_of(r, c) == T_comment)
      continue;
    if (ts_node_is_null(*key))
      *key = c;
    else
      *value = c;
  }
}

static void visit(reader *r, TSNode n, const key_path *prefix) {
  toml_kind k = kind_of(r, n);
  if (k == T_pair) {
    if (where_of(prefix) == W_OUTSIDE)
      return;
    TSNode key, value;
    pair_parts(r, n, &key, &value);
    if (ts_node_is_null(value))
      return;
    key_path path = *prefix;
    append_key(r, key, &path);
    TSNode table = r->failed ? (TSNode){0} : assign(r, &path, key, value);
    if (!ts_node_is_null(table))
      push_frame(r, table, &path);
  } else if (k == T_table || k == T_table_array_element) {
    TSNode header = ts_node_named_child(n, 0);
    key_path path = {0};
    append_key(r, header, &path);
    if (r->failed || where_of(&path) == W_OUTSIDE)
      return;
    if (k == T_table && enter_table(r, &path, header))
      push_frame(r, n, &path);
    else if (k == T_table_array_element && where_of(&path) == W_INSIDE)
      fail(r, header, "[tool.ormlint] must be a table, not an array of tables ([[...]])");
  }
}

static void walk(reader *r, TSNode root) {
  key_path top = {0};
  push_frame(r, root, &top);
  while (r->frames.len && !r->failed) {
    frame *f = &r->frames.items[r->frames.len - 1];
    TSNode n = ts_tree_cursor_current_node(&f->c);
    key_path prefix = f->prefix;
    if (!ts_tree_cursor_goto_next_sibling(&f->c)) {
      ts_tree_cursor_delete(&f->c);
      r->frames.len--;
    }
    visit(r, n, &prefix); /* may push: f is not used after this */
  }
  for (size_t i = 0; i < r->frames.len; i++)
    ts_tree_cursor_delete(&r->frames.items[i].c);
  ol_vec_free(&r->frames);
}

/* ---- checks before the walk ---------------------------------------------------- */

static uint32_t line_at(const char *s, size_t off) {
  uint32_t line = 1;
  for (size_t i = 0; i < off; i++)
    line += s[i] == '\n';
  return line;
}

/* NUL bytes, invalid UTF-8 (TOML is UTF-8 text), and nesting deeper than
 * the parser can be trusted with (OL_PYPROJECT_MAX_DEPTH). */
static bool check_text(reader *r) {
  unsigned depth = 0;
  for (size_t i = 0; i < r->len;) {
    char c = r->src[i];
    if (c == '\0') {
      fail_at(r, line_at(r->src, i), "not a text file (NUL byte)");
      return false;
    }
    if ((c == '[' || c == '{') && ++depth > OL_PYPROJECT_MAX_DEPTH) {
      fail_at(r, line_at(r->src, i), "nested more than %d levels deep", OL_PYPROJECT_MAX_DEPTH);
      return false;
    }
    if ((c == ']' || c == '}') && depth)
      depth--;
    int n = ol_utf8_len((const unsigned char *)r->src + i, r->len - i);
    if (!n) {
      fail_at(r, line_at(r->src, i), "invalid UTF-8");
      return false;
    }
    i += (size_t)n;
  }
  return true;
}

static bool is_error(TSNode n) {
  return ts_node_symbol(n) == (TSSymbol)-1 || ts_node_is_missing(n);
}

/* The first ERROR or MISSING node, descending only into subtrees with errors. */
static TSNode first_error(TSNode root) {
  TSNode none = {0};
  if (!ts_node_has_error(root))
    return none;
  TSTreeCursor c = ts_tree_cursor_new(root);
  TSNode found = none;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (is_error(n)) {
      found = n;
      break;
    }
    bool more = ts_tree_cursor_goto_first_child(&c);
    while (more && !ts_node_has_error(ts_tree_cursor_current_node(&c)))
      more = ts_tree_cursor_goto_next_sibling(&c);
    if (!more) {
      found = n; /* an error flag with no child holding it: the node itself */
      break;
    }
  }
  ts_tree_cursor_delete(&c);
  return found;
}

/* The innermost first error inside an ERROR node: tree-sitter's recovery
 * often starts the outer one at a valid token before the real problem, and
 * may nest the real one inside a node that holds it (0.25 splits a dotted
 * key around it: that key is quoted then, from its start). */
static TSNode innermost_error(TSNode n) {
  TSNode cur = n;
  for (unsigned depth = 0; depth < 64; depth++) {
    TSNode next = {0};
    uint32_t count = ts_node_child_count(cur);
    for (uint32_t i = 0; i < count && i < 64; i++) {
      TSNode c = ts_node_child(cur, i);
      if (is_error(c) || ts_node_has_error(c)) {
        next = c;
        break;
      }
    }
    if (ts_node_is_null(next))
      break;
    if (is_error(next)) /* nested in a node that holds it: quoted from there */
      n = is_error(cur) ? next : cur;
    cur = next;
  }
  return n;
}

static void fail_syntax(reader *r, TSNode n) {
  if (ts_node_is_missing(n)) {
    fail(r, n, "invalid TOML: missing '%s'", ts_node_type(n));
    return;
  }
  n = innermost_error(n);
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  while (s < e && is_ws(r->src[s]))
    s++;
  if (s == e || r->src[s] == '\n' || r->src[s] == '\r') {
    fail(r, n, "invalid TOML at the end of the line");
    return;
  }
  char *near = ol_text_brief(r->src + s, e - s, 40);
  fail(r, n, "invalid TOML near '%s'", near);
  ol_free(near);
}

/* ---- results ------------------------------------------------------------------- */

static void move_list(char ***dst, size_t *dn, char ***src, size_t *sn) {
  free_strings(*dst, *dn);
  *dst = *src;
  *dn = *sn;
  *src = NULL;
  *sn = 0;
}

static void move_string(char **dst, char **src) {
  ol_free(*dst);
  *dst = *src;
  *src = NULL;
}

/* Moves the keys read into cfg, each replacing what cfg held. */
static void commit(reader *r, ol_config *cfg, const char *dir, ol_error *err) {
  ol_config *st = &r->st;
  if (r->has[K_SELECT])
    move_list(&cfg->select, &cfg->n_select, &st->select, &st->n_select);
  if (r->has[K_IGNORE])
    move_list(&cfg->ignore, &cfg->n_ignore, &st->ignore, &st->n_ignore);
  if (r->has[K_EXCLUDE])
    move_list(&cfg->exclude, &cfg->n_exclude, &st->exclude, &st->n_exclude);
  if (r->has[K_EXTEND_EXCLUDE])
    move_list(&cfg->extend_exclude, &cfg->n_extend_exclude, &st->extend_exclude,
              &st->n_extend_exclude);
  if (r->has[K_MODEL_BASES])
    move_list(&cfg->model_bases, &cfg->n_model_bases, &st->model_bases, &st->n_model_bases);
  if (r->has[K_MEMOIZERS])
    move_list(&cfg->memoizers, &cfg->n_memoizers, &st->memoizers, &st->n_memoizers);
  if (r->has[K_TEMPLATE_DIRS])
    move_list(&cfg->template_dirs, &cfg->n_template_dirs, &st->template_dirs, &st->n_template_dirs);
  if (r->has[K_QUERY_TERMINALS])
    move_list(&cfg->query_terminals, &cfg->n_query_terminals, &st->query_terminals,
              &st->n_query_terminals);
  if (r->has[K_DIALECT])
    move_string(&cfg->dialect, &st->dialect);
  if (r->has[K_MAX_FILE_SIZE])
    cfg->max_file_size = st->max_file_size;
  if (r->has[K_TARGET_SQLALCHEMY])
    cfg->target_sqlalchemy = st->target_sqlalchemy;
  if (r->has[K_PER_FILE_IGNORES] || st->n_per_file_ignores) {
    ol_config old = {.per_file_ignores = cfg->per_file_ignores,
                     .n_per_file_ignores = cfg->n_per_file_ignores};
    ol_config_free(&old);
    cfg->per_file_ignores = st->per_file_ignores;
    cfg->n_per_file_ignores = st->n_per_file_ignores;
    st->per_file_ignores = NULL;
    st->n_per_file_ignores = 0;
  }
  ol_free(cfg->config_dir);
  cfg->config_dir = ol_strdup(dir);
  if (r->has[K_SESSION_NAMES]) {
    move_string(&cfg->session_names, &st->session_names);
    if (cfg->session_re) /* already compiled: keep it in step (the pattern compiled above) */
      ol_config_compile(cfg, err);
  }
}

ol_status ol_pyproject_parse(const char *path, const char *dir, const char *text, size_t len,
                             ol_config *cfg, bool *has_table, ol_error *err) {
  *has_table = false;
  if (!memmem(text, len, "ormlint", 7))
    return OL_OK; /* no [tool.ormlint] can be there: not even parsed */
  reader r = {.path = path, .src = text, .len = (uint32_t)len, .err = err};
  if (len > OL_PYPROJECT_MAX_BYTES) {
    fail_at(&r, 0, "too large to read (%zu bytes; the limit is %u)", len, OL_PYPROJECT_MAX_BYTES);
    return OL_ERR_USAGE;
  }
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) /* a byte-order mark */
    r.src += 3, r.len -= 3;
  if (!check_text(&r))
    return OL_ERR_USAGE;
  resolve_kinds(&r);
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_toml());
  ts_parser_set_timeout_micros(p, PARSE_TIMEOUT_US);
  TSTree *tree = ts_parser_parse_string(p, NULL, r.src, r.len);
  if (!tree) {
    fail_at(&r, 0, "too complex to parse");
  } else {
    TSNode root = ts_tree_root_node(tree);
    TSNode bad = first_error(root);
    if (!ts_node_is_null(bad))
      fail_syntax(&r, bad);
    else
      walk(&r, root);
  }
  if (!r.failed && r.table) {
    *has_table = true;
    commit(&r, cfg, dir, err);
  }
  ol_config_free(&r.st);
  ol_arena_free(&r.arena);
  if (tree)
    ts_tree_delete(tree);
  ts_parser_delete(p);
  return r.failed ? OL_ERR_USAGE : OL_OK;
}

/* ---- finding the file ---------------------------------------------------------- */

/* The directory part of abs (absolute, normalised), in place. */
static void cut_to_parent(char *abs) {
  char *slash = strrchr(abs, '/');
  if (slash == abs)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
}

/* Reads and applies dir/pyproject.toml when there is one; *done when it
 * held the table (or failed). */
static ol_status try_dir(const ol_fs *fs, const char *dir, const char *cwd, ol_config *cfg,
                         char **found_path, bool *done, ol_error *err) {
  char *file = ol_format("%s/pyproject.toml", strcmp(dir, "/") ? dir : "");
  struct stat st;
  ol_status status = OL_OK;
  *done = false;
  if (fs->stat(file, &st) != 0 || S_ISDIR(st.st_mode)) {
    ol_free(file);
    return OL_OK;
  }
  char *shown = ol_path_relative(cwd, file);
  char *bytes = NULL;
  size_t len = 0;
  int e = fs->read_all(file, READ_MAX_BYTES, &bytes, &len, &st);
  bool has_table = false;
  if (e) {
    ol_error_set(err, shown, 0, "%s: cannot read: %s", shown,
                 e == EINVAL  ? "not a regular file"
                 : e == EFBIG ? "too large"
                              : strerror(e));
    status = OL_ERR_USAGE;
  } else {
    status = ol_pyproject_parse(shown, dir, bytes, len, cfg, &has_table, err);
  }
  *done = status != OL_OK || has_table;
  if (has_table && found_path)
    *found_path = ol_strdup(file);
  ol_free(bytes);
  ol_free(shown);
  ol_free(file);
  return status;
}

ol_status ol_pyproject_load_fs(const ol_fs *fs, const char *start_path, ol_config *cfg,
                               char **found_path, ol_error *err) {
  if (found_path)
    *found_path = NULL;
  char *dir = ol_path_absolute(start_path);
  char *cwd = ol_path_absolute(".");
  struct stat st;
  if (fs->stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    cut_to_parent(dir);
  ol_status status = OL_OK;
  for (bool done = false; !done;) {
    status = try_dir(fs, dir, cwd, cfg, found_path, &done, err);
    if (!strcmp(dir, "/"))
      break;
    cut_to_parent(dir);
  }
  ol_free(dir);
  ol_free(cwd);
  return status;
}

ol_status ol_pyproject_load(const char *start_path, ol_config *cfg, char **found_path,
                            ol_error *err) {
  return ol_pyproject_load_fs(&ol_fs_posix, start_path, cfg, found_path, err);
}
