/* The Jinja scanner's lexical half: which files are templates, the
 * delimiters (`{{ }}`, `{% %}`, `{# #}`, raw blocks), the tokens of an
 * expression and the attribute chains rooted at a name. Jinja's own lexer
 * is regular expressions over the delimiters; this is the same automaton
 * written out: one pass, no allocation. */
#include <ctype.h>
#include <string.h>

#include "jinja.h"
#include "jinja_internal.h"

bool ol_jinja_has_template_ext(const char *name) {
  static const char *const EXT[] = {".html", ".htm", ".jinja", ".jinja2", ".j2", NULL};
  size_t n = strlen(name);
  for (const char *const *e = EXT; *e; e++) {
    size_t k = strlen(*e);
    if (n > k && !strcmp(name + n - k, *e))
      return true;
  }
  return false;
}

bool ol_jinja_is_template(const char *path, char *const *dirs, size_t n_dirs) {
  if (!ol_jinja_has_template_ext(path))
    return false;
  for (const char *p = path; (p = strstr(p, "templates/")); p++)
    if (p == path || p[-1] == '/' || p[-1] == '_' || p[-1] == '-')
      return true; /* templates/, and journalist_templates/ ... (template_folder=) */
  for (size_t i = 0; i < n_dirs; i++) {
    size_t k = strlen(dirs[i]);
    while (k && dirs[i][k - 1] == '/')
      k--;
    if (k && !strncmp(path, dirs[i], k) && path[k] == '/')
      return true;
  }
  return false;
}

ol_jinja_token ol_jinja_token_next(ol_jinja_lexer *lx) {
  const char *s = lx->src;
  while (lx->at < lx->end && isspace((unsigned char)s[lx->at]))
    lx->at++;
  ol_jinja_token t = {T_END, lx->at, lx->at};
  if (lx->at >= lx->end)
    return t;
  char c = s[lx->at];
  if (isalpha((unsigned char)c) || c == '_') {
    while (lx->at < lx->end && (isalnum((unsigned char)s[lx->at]) || s[lx->at] == '_'))
      lx->at++;
    t.kind = T_NAME;
  } else if (isdigit((unsigned char)c)) {
    while (lx->at < lx->end && (isalnum((unsigned char)s[lx->at]) || s[lx->at] == '.'))
      lx->at++;
    t.kind = T_NUMBER;
  } else if (c == '"' || c == '\'') {
    lx->at++;
    while (lx->at < lx->end && s[lx->at] != c)
      lx->at += s[lx->at] == '\\' ? 2 : 1;
    lx->at = lx->at < lx->end ? lx->at + 1 : lx->end;
    t.kind = T_STRING;
  } else {
    lx->at++;
    t.kind = T_PUNCT;
  }
  t.end = lx->at;
  return t;
}

bool ol_jinja_token_is(const char *src, ol_jinja_token t, const char *s) {
  size_t n = strlen(s);
  return t.end - t.start == n && !memcmp(src + t.start, s, n);
}

bool ol_jinja_token_is_keyword(const char *src, ol_jinja_token t) {
  static const char *const KW[] = {"and",  "or",    "not",  "in",   "is",    "if",   "else",
                                   "true", "false", "none", "True", "False", "None", NULL};
  for (const char *const *k = KW; *k; k++)
    if (ol_jinja_token_is(src, t, *k))
      return true;
  return false;
}

/* The end of a bracketed group opened at src[at] ('(' or '['), or end. */
uint32_t ol_jinja_group_end(const char *src, uint32_t at, uint32_t end) {
  int depth = 0;
  ol_jinja_lexer lx = {src, at, end};
  for (ol_jinja_token t; (t = ol_jinja_token_next(&lx)).kind != T_END;) {
    if (t.kind != T_PUNCT)
      continue;
    char c = src[t.start];
    depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
    if (!depth)
      return t.end;
  }
  return end;
}

ol_jinja_chain ol_jinja_chain_read(const char *src, ol_jinja_token root, uint32_t end) {
  ol_jinja_chain c = {.root = root, .end = root.end};
  ol_jinja_lexer lx = {src, root.end, end};
  for (;;) {
    uint32_t save = lx.at;
    ol_jinja_token t = ol_jinja_token_next(&lx);
    if (t.kind == T_PUNCT && src[t.start] == '.') {
      ol_jinja_token a = ol_jinja_token_next(&lx);
      if (a.kind != T_NAME || c.n == MAX_ATTRS)
        break;
      c.attrs[c.n++] = a;
      c.end = a.end;
      continue;
    }
    if (t.kind == T_PUNCT && src[t.start] == '(') {
      uint32_t close = ol_jinja_group_end(src, t.start, end);
      if (!c.n) {
        c.called = true;
        c.args_a = t.end, c.args_b = close > t.end ? close - 1 : t.end;
      } else {
        ol_jinja_lexer in = {src, t.end, end};
        c.empty_call[c.n - 1] =
            ol_jinja_token_next(&in).start + 1 == close && src[close - 1] == ')';
        if (!c.call_end[c.n - 1])
          c.call_end[c.n - 1] = close;
      }
      lx.at = close;
      c.end = close;
      continue;
    }
    lx.at = save;
    break;
  }
  return c;
}

/* Whether the iterable's chain, read from root, yields the rows of root:
 * nothing more, `.items` (a pagination), `.all()`, a slice, and filters
 * that keep rows. */
bool ol_jinja_chain_keeps_rows(const char *src, const ol_jinja_chain *c, uint32_t b) {
  for (size_t i = 0; i < c->n; i++)
    if (!(ol_jinja_token_is(src, c->attrs[i], "items") ||
          (ol_jinja_token_is(src, c->attrs[i], "all") && c->empty_call[i])))
      return false;
  static const char *const KEEP[] = {"sort",       "reverse", "list",   "unique", "selectattr",
                                     "rejectattr", "select",  "reject", NULL};
  ol_jinja_lexer lx = {src, c->end, b};
  for (ol_jinja_token t; (t = ol_jinja_token_next(&lx)).kind != T_END;) {
    char ch = src[t.start];
    if (t.kind == T_PUNCT && ch == '[') { /* a slice */
      lx.at = ol_jinja_group_end(src, t.start, b);
      continue;
    }
    if (t.kind != T_PUNCT || ch != '|')
      return false;
    ol_jinja_token f = ol_jinja_token_next(&lx);
    bool keep = false;
    for (const char *const *k = KEEP; *k && !keep; k++)
      keep = ol_jinja_token_is(src, f, *k);
    if (!keep)
      return false;
    uint32_t save = lx.at;
    ol_jinja_token p = ol_jinja_token_next(&lx);
    if (p.kind == T_PUNCT && src[p.start] == '(')
      lx.at = ol_jinja_group_end(src, p.start, b);
    else
      lx.at = save;
  }
  return true;
}

/* The end of a tag opened at `open` with closer c ('}' or '%'), strings
 * skipped; the byte after the closing pair, 0 when it never closes. */
uint32_t ol_jinja_tag_close(const char *src, uint32_t len, uint32_t open, char c) {
  for (uint32_t i = open + 2; i + 1 < len; i++) {
    char ch = src[i];
    if (ch == '"' || ch == '\'') {
      for (i++; i < len && src[i] != ch; i++)
        if (src[i] == '\\')
          i++;
      continue;
    }
    if (ch == c && src[i + 1] == '}')
      return i + 2;
  }
  return 0;
}

/* After `{% raw %}`: the byte after its `{% endraw %}`, len when none. */
uint32_t ol_jinja_skip_raw(const char *src, uint32_t len, uint32_t at) {
  for (const char *p = src + at; (p = memmem(p, len - (uint32_t)(p - src), "{%", 2)); p += 2) {
    const char *q = p + 2;
    while (q < src + len && (*q == '-' || *q == '+' || isspace((unsigned char)*q)))
      q++;
    if ((size_t)(src + len - q) >= 6 && !memcmp(q, "endraw", 6)) {
      uint32_t e = ol_jinja_tag_close(src, len, (uint32_t)(p - src), '%');
      return e ? e : len;
    }
  }
  return len;
}
