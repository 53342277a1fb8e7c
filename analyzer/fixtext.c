/* Text helpers for fix writers. */
#include "fixtext.h"
#include "source.h"

#include <ctype.h>
#include <string.h>

char *ol_fixtext_snake(const char *camel) {
  ol_buf b = {0};
  size_t n = strlen(camel);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)camel[i];
    if (isupper(c) && i > 0) {
      bool prev_lower =
          islower((unsigned char)camel[i - 1]) || isdigit((unsigned char)camel[i - 1]);
      bool next_lower = i + 1 < n && islower((unsigned char)camel[i + 1]);
      if (prev_lower || (isupper((unsigned char)camel[i - 1]) && next_lower))
        ol_buf_putc(&b, '_');
    }
    ol_buf_putc(&b, (char)tolower(c));
  }
  return ol_buf_take(&b);
}

char *ol_fixtext_plural(const char *name) {
  size_t n = strlen(name);
  if (n > 1 && name[n - 1] == 'y' && !strchr("aeiou", name[n - 2]))
    return ol_format("%.*sies", (int)(n - 1), name);
  if ((n && (name[n - 1] == 's' || name[n - 1] == 'x')) ||
      (n > 1 && name[n - 1] == 'h' && strchr("cs", name[n - 2])))
    return ol_format("%ses", name);
  return ol_format("%ss", name);
}

static bool is_ident_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

char *ol_fixtext_free_name(const ol_rule_ctx *ctx, ol_span scope, const char *base) {
  char *name = ol_strdup(base);
  for (int i = 2; ol_fixtext_count_uses(ctx, scope, name) > 0; i++) {
    ol_free(name);
    name = ol_format("%s_%d", base, i);
  }
  return name;
}

uint32_t ol_fixtext_line_start(const ol_rule_ctx *ctx, uint32_t off) {
  while (off > 0 && ctx->src[off - 1] != '\n' && ctx->src[off - 1] != '\r')
    off--;
  return off;
}

uint32_t ol_fixtext_line_end(const ol_rule_ctx *ctx, uint32_t off) {
  while (off < ctx->len && ctx->src[off] != '\n' && ctx->src[off] != '\r')
    off++;
  /* A node may end between the \r and the \n of a CRLF: the line ends before both. */
  if (off > 0 && off < ctx->len && ctx->src[off] == '\n' && ctx->src[off - 1] == '\r')
    off--;
  return off;
}

char *ol_fixtext_indent(const ol_rule_ctx *ctx, uint32_t off) {
  uint32_t start = ol_fixtext_line_start(ctx, off), end = start;
  while (end < off && (ctx->src[end] == ' ' || ctx->src[end] == '\t'))
    end++;
  return ol_strndup(ctx->src + start, end - start);
}

const char *ol_fixtext_unit(const char *indent) { return strchr(indent, '\t') ? "\t" : "    "; }

char *ol_fixtext_expr(const ol_rule_ctx *ctx, ol_span span) {
  const char *s = ctx->src + span.start;
  size_t n = span.end - span.start;
  if (memchr(s, '\n', n) || memchr(s, '\r', n))
    return ol_format("(%.*s)", (int)n, s);
  return ol_strndup(s, n);
}

char *ol_fixtext_brief(const ol_rule_ctx *ctx, ol_span span, size_t max) {
  return ol_text_brief(ctx->src + span.start, span.end - span.start, max);
}

int ol_fixtext_count_uses(const ol_rule_ctx *ctx, ol_span scope, const char *name) {
  int n = 0;
  size_t nl = strlen(name);
  const char *p = ctx->src + scope.start, *end = ctx->src + scope.end;
  while (p < end) {
    if (*p == '#') {
      p += ol_line_length(p, (size_t)(end - p));
    } else if (*p == '"' || *p == '\'') {
      char q = *p;
      bool triple = end - p >= 3 && p[1] == q && p[2] == q;
      p += triple ? 3 : 1;
      while (p < end && !(triple ? (end - p >= 3 && p[0] == q && p[1] == q && p[2] == q)
                                 : (*p == q || *p == '\n' || *p == '\r')))
        p += *p == '\\' ? 2 : 1;
      p += triple ? 3 : 1;
    } else if (is_ident_char(*p)) {
      bool after_dot = p > ctx->src && p[-1] == '.';
      if (!after_dot && (size_t)(end - p) >= nl && !memcmp(p, name, nl) &&
          (p + nl == end || !is_ident_char(p[nl])))
        n++;
      while (p < end && is_ident_char(*p))
        p++;
    } else {
      p++;
    }
  }
  return n;
}

bool ol_fixtext_module_binds(const ol_rule_ctx *ctx, const char *name) {
  for (size_t i = 0; i < ctx->facts->module_names.len; i++)
    if (!strcmp(ctx->facts->module_names.items[i], name))
      return true;
  return false;
}

/* One top-level import statement of the file, as the import scan sees it. */
typedef struct {
  uint32_t start, end; /* the statement's lines: start of its first, after its last */
  uint32_t close;      /* a parenthesised `from m import (...)`: its `)`, else 0 */
  uint32_t names_end;  /* one-line `from m import a, b`: after `b` (before a comment), else 0 */
  int group;           /* 0 standard library, 1 third party, 2 the project's own */
  bool from_module;    /* `from <module> import` of the module asked for */
} import_line;

static bool is_stdlib(const char *top, size_t n) {
  static const char *const STD[] = {
      "__future__", "abc",       "argparse",  "asyncio",     "base64",      "collections",
      "contextlib", "copy",      "csv",       "dataclasses", "datetime",    "decimal",
      "enum",       "functools", "hashlib",   "io",          "itertools",   "json",
      "logging",    "math",      "operator",  "os",          "pathlib",     "random",
      "re",         "shutil",    "string",    "subprocess",  "sys",         "tempfile",
      "threading",  "time",      "traceback", "typing",      "unicodedata", "urllib",
      "uuid",       "warnings",  "weakref",   "zlib",        NULL};
  for (const char *const *m = STD; *m; m++)
    if (strlen(*m) == n && !memcmp(*m, top, n))
      return true;
  return false;
}

/* Whether a module whose first component is top[0..n) is one of the project's files. */
static bool is_project_module(const ol_rule_ctx *ctx, const char *top, size_t n) {
  for (size_t i = 0; i < ctx->index->files.len; i++) {
    const char *m = ctx->index->files.items[i].module;
    if (m && !strncmp(m, top, n) && (m[n] == '\0' || m[n] == '.'))
      return true;
  }
  return false;
}

/* Reads the top-level import statement at line start p (before limit); false when none. */
static bool import_at(const ol_rule_ctx *ctx, uint32_t p, uint32_t limit, const char *module,
                      import_line *out) {
  const char *s = ctx->src;
  bool from = limit - p > 5 && !memcmp(s + p, "from ", 5);
  if (!from && !(limit - p > 7 && !memcmp(s + p, "import ", 7)))
    return false;
  uint32_t m = p + (from ? 5 : 7);
  while (m < limit && s[m] == ' ')
    m++;
  uint32_t me = m;
  while (me < limit && (is_ident_char(s[me]) || s[me] == '.'))
    me++;
  uint32_t top = m;
  while (top < me && s[top] != '.')
    top++;
  *out = (import_line){.start = p};
  out->group = s[m] == '.'                              ? 2
               : is_project_module(ctx, s + m, top - m) ? 2
               : is_stdlib(s + m, top - m)              ? 0
                                                        : 1;
  out->from_module = from && me - m == strlen(module) && !memcmp(s + m, module, me - m) &&
                     me + 8 <= limit && !memcmp(s + me, " import ", 8);
  uint32_t e = me;
  int depth = 0;
  for (; e < ctx->len; e++) {
    char c = s[e];
    if (c == '(')
      depth++;
    else if (c == ')' && --depth == 0)
      out->close = e;
    else if (c == '#')
      while (e + 1 < ctx->len && s[e + 1] != '\n' && s[e + 1] != '\r')
        e++;
    else if ((c == '\n' || c == '\r') && depth == 0 && s[e - 1] != '\\') {
      if (c == '\r' && e + 1 < ctx->len && s[e + 1] == '\n')
        e++; /* \r\n, \r and \n end a line alike */
      break;
    }
  }
  out->end = e < ctx->len ? e + 1 : e;
  if (out->from_module && !out->close && !memchr(s + p, '\\', e - p)) {
    uint32_t n = me + 8;
    while (n < e && s[n] != '#')
      n++;
    while (n > me + 8 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
      n--;
    out->names_end = n;
  }
  return true;
}

/* Whether the line before the one starting at `at` is empty (any line ending). */
static bool blank_line_before(const char *s, uint32_t at) {
  uint32_t p = at;
  if (p >= 2 && s[p - 1] == '\n' && s[p - 2] == '\r')
    p -= 2;
  else if (p >= 1 && (s[p - 1] == '\n' || s[p - 1] == '\r'))
    p--;
  else
    return false;
  return p > 0 && (s[p - 1] == '\n' || s[p - 1] == '\r');
}

/* `, a, b` after the names of an existing `from module import ...`, or a
 * new line in the third-party group (after its last import; before the
 * project's own imports when there is none, as isort orders them). */
void ol_fixtext_import(const ol_rule_ctx *ctx, ol_fix_draft *f, const char *module,
                       const char *const *names) {
  ol_buf imp = {0};
  for (const char *const *n = names; *n; n++)
    if (!ol_fixtext_module_binds(ctx, *n))
      ol_buf_printf(&imp, "%s%s", imp.len ? ", " : "", *n);
  if (!imp.len)
    return;
  uint32_t limit = ctx->facts->import_at;
  uint32_t after_third = 0, before_local = 0, last_end = 0;
  for (uint32_t p = 0; p < limit && p < ctx->len;) {
    import_line il;
    if (import_at(ctx, p, limit, module, &il)) {
      if (il.from_module && (il.names_end || il.close)) {
        if (il.names_end) {
          ol_fix_draft_edit(f, il.names_end, il.names_end, ol_format(", %s", imp.s));
        } else {
          uint32_t c = il.close;
          while (c > il.start && strchr(" \t\r\n", ctx->src[c - 1]))
            c--;
          if (ctx->src[c - 1] == ',') { /* one name a line, each with its comma */
            char *indent = ol_fixtext_indent(ctx, c - 1);
            ol_buf lines = {0};
            for (const char *const *n = names; *n; n++)
              if (!ol_fixtext_module_binds(ctx, *n))
                ol_buf_printf(&lines, "\n%s%s,", indent, *n);
            ol_fix_draft_edit(f, c, c, ol_buf_take(&lines));
            ol_free(indent);
          } else {
            ol_fix_draft_edit(f, c, c, ol_format(", %s", imp.s));
          }
        }
        ol_buf_free(&imp);
        return;
      }
      if (il.group == 1 && !before_local) /* third party, before the project's own */
        after_third = il.end;
      if (il.group == 2 && !before_local)
        before_local = il.start;
      last_end = il.end;
      p = il.end;
      continue;
    }
    p += (uint32_t)ol_line_length(ctx->src + p, ctx->len - p);
    uint32_t brk = (uint32_t)ol_line_break(ctx->src + p, ctx->len - p);
    p += brk ? brk : 1;
  }
  uint32_t at = after_third ? after_third : before_local ? before_local : limit;
  if (after_third)
    before_local = 0;
  if (at == limit || (!after_third && !before_local)) {
    if (at && at < ctx->len && ctx->src[at - 1] != '\n' && ctx->src[at - 1] != '\r') {
      at += (uint32_t)ol_line_length(ctx->src + at, ctx->len - at); /* to the next line */
      at += (uint32_t)ol_line_break(ctx->src + at, ctx->len - at);
    } else if (at && at < ctx->len && ctx->src[at - 1] == '\r' && ctx->src[at] == '\n') {
      at++;
    }
  }
  bool eof = at && ctx->src[at - 1] != '\n' && ctx->src[at - 1] != '\r';
  /* A group of its own before the project's imports, when groups are set apart by blank lines. */
  bool own_group = !after_third && before_local && blank_line_before(ctx->src, before_local);
  (void)last_end;
  ol_fix_draft_edit(
      f, at, at,
      ol_format("%sfrom %s import %s\n%s", eof ? "\n" : "", module, imp.s, own_group ? "\n" : ""));
  ol_buf_free(&imp);
}

char *ol_fixtext_select(const ol_rule_ctx *ctx, const char *cols) {
  return ctx->sqla == 13 ? ol_format("select([%s])", cols) : ol_format("select(%s)", cols);
}

const char *ol_fixtext_scalar_subquery(const ol_rule_ctx *ctx) {
  return ctx->sqla == 13 ? "as_scalar" : "scalar_subquery";
}

char *ol_fixtext_splice(const ol_rule_ctx *ctx, ol_span span, const ol_splice *s, size_t n) {
  ol_buf b = {0};
  uint32_t at = span.start;
  for (size_t i = 0; i < n; i++) {
    if (ol_span_empty(s[i].at) && !s[i].text)
      continue;
    ol_buf_add(&b, ctx->src + at, s[i].at.start - at);
    ol_buf_puts(&b, s[i].text ? s[i].text : "");
    at = s[i].at.end;
  }
  ol_buf_add(&b, ctx->src + at, span.end - at);
  return ol_buf_take(&b);
}

void ol_fixtext_add_options(const ol_rule_ctx *ctx, ol_fix_draft *f, const ol_rows *rows,
                            const char *opts) {
  if (!ol_span_empty(rows->options_args)) {
    uint32_t close = rows->options_args.end - 1;
    bool empty = rows->options_args.end - rows->options_args.start <= 2;
    ol_fix_draft_edit(f, close, close, ol_format("%s%s", empty ? "" : ", ", opts));
  } else if (rows->options_kw) { /* session.get(M, pk) -> session.get(M, pk, options=[...]) */
    uint32_t close = rows->query.end - 1, p = close;
    while (p > rows->query.start && isspace((unsigned char)ctx->src[p - 1]))
      p--;
    bool comma = p > rows->query.start && ctx->src[p - 1] == ',';
    ol_fix_draft_edit(f, close, close, ol_format("%soptions=[%s]", comma ? " " : ", ", opts));
  } else {
    ol_fix_draft_edit(f, rows->query.end, rows->query.end, ol_format(".options(%s)", opts));
  }
}
