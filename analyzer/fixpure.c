/* Which expressions a fix may move: a hoisted query runs once, before the
 * loop, instead of once per iteration — right only when every part of it
 * gives the same value each time and has no effect of its own (a random
 * pick, a clock read, next() on an iterator, a project function all do),
 * and when evaluating it early cannot raise where the loop would have run
 * zero times (a subscript of an empty list). The check reads the text:
 * every call in it must be a query builder or terminal, a column operator,
 * an SQL construct or a loader option; strings and comments are skipped. */
#include <ctype.h>
#include <string.h>

#include "fixtext.h"

static bool ident_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool in_list(const char *s, size_t n, const char *const *list) {
  for (; *list; list++)
    if (strlen(*list) == n && !memcmp(*list, s, n))
      return true;
  return false;
}

/* Methods that build or run a query, or build an SQL expression from a column. */
static const char *const PURE_METHODS[] = {"filter",
                                           "filter_by",
                                           "where",
                                           "order_by",
                                           "group_by",
                                           "having",
                                           "join",
                                           "outerjoin",
                                           "options",
                                           "limit",
                                           "offset",
                                           "distinct",
                                           "select_from",
                                           "with_entities",
                                           "add_columns",
                                           "add_entity",
                                           "correlate",
                                           "params",
                                           "execution_options",
                                           "enable_eagerloads",
                                           "with_parent",
                                           "union",
                                           "union_all",
                                           "subquery",
                                           "scalar_subquery",
                                           "as_scalar",
                                           "cte",
                                           "exists",
                                           "unique",
                                           "all",
                                           "first",
                                           "one",
                                           "one_or_none",
                                           "scalar",
                                           "scalars",
                                           "count",
                                           "get",
                                           "execute",
                                           "query",
                                           "first_or_404",
                                           "get_or_404",
                                           "one_or_404",
                                           "paginate",
                                           "in_",
                                           "notin_",
                                           "not_in",
                                           "is_",
                                           "isnot",
                                           "is_not",
                                           "like",
                                           "ilike",
                                           "notlike",
                                           "notilike",
                                           "contains",
                                           "startswith",
                                           "endswith",
                                           "desc",
                                           "asc",
                                           "label",
                                           "between",
                                           "any",
                                           "has",
                                           "of_type",
                                           "nulls_first",
                                           "nulls_last",
                                           "nullsfirst",
                                           "nullslast",
                                           "op",
                                           "collate",
                                           "cast",
                                           "and_",
                                           "or_",
                                           "not_",
                                           "in_",
                                           "mappings",
                                           "columns",
                                           "selectinload",
                                           "joinedload",
                                           "subqueryload",
                                           "lazyload",
                                           "contains_eager",
                                           "load_only",
                                           "defer",
                                           "undefer",
                                           "noload",
                                           "raiseload",
                                           "defaultload",
                                           "immediateload",
                                           "with_only_columns",
                                           "where_clause",
                                           "filter_by",
                                           NULL};
/* Functions that build SQL, loader options, and builtins with no effect. */
static const char *const PURE_FUNCTIONS[] = {
    "select",       "and_",         "or_",           "not_",
    "desc",         "asc",          "literal",       "literal_column",
    "column",       "case",         "cast",          "tuple_",
    "exists",       "null",         "true",          "false",
    "distinct",     "text",         "aliased",       "joinedload",
    "selectinload", "subqueryload", "lazyload",      "contains_eager",
    "load_only",    "defer",        "undefer",       "noload",
    "raiseload",    "defaultload",  "immediateload", "with_parent",
    "str",          "bool",         "tuple",         "list",
    "set",          "frozenset",    "dict",          NULL};

/* The dotted callee ending just before off (spaces allowed around dots):
 * its first and last components. */
static void callee(const char *src, uint32_t lo, uint32_t off, ol_span *first, ol_span *last) {
  uint32_t e = off;
  while (e > lo && (src[e - 1] == ' ' || src[e - 1] == '\t'))
    e--;
  uint32_t s = e;
  while (s > lo && ident_char(src[s - 1]))
    s--;
  *last = (ol_span){s, e};
  *first = *last;
  for (uint32_t p = s; p > lo;) {
    uint32_t q = p;
    while (q > lo && isspace((unsigned char)src[q - 1]))
      q--;
    if (q == lo || src[q - 1] != '.')
      break;
    q--;
    while (q > lo && isspace((unsigned char)src[q - 1]))
      q--;
    uint32_t t = q;
    while (t > lo && ident_char(src[t - 1]))
      t--;
    if (t == q) { /* `).method(`: a method on a result */
      *first = (ol_span){q, q};
      return;
    }
    *first = (ol_span){t, q};
    p = t;
  }
}

/* Why the call whose `(` is at off may not move, NULL when it may. */
static const char *call_problem(const char *src, uint32_t lo, uint32_t off) {
  ol_span first, last;
  callee(src, lo, off, &first, &last);
  size_t fl = first.end - first.start, ll = last.end - last.start;
  if (!ll)
    return NULL; /* `(...)(` or a parenthesised group: judged by its parts */
  const char *head = src + first.start, *name = src + last.start;
  bool dotted = first.start != last.start || ol_span_empty(first);
  if (!dotted)
    return in_list(name, ll, PURE_FUNCTIONS)
               ? NULL
               : "it calls a function that may not return the same value on every iteration";
  if ((fl == 4 && !memcmp(head, "func", 4)) || in_list(name, ll, PURE_METHODS))
    return NULL;
  /* sa.select, db.and_, sqlalchemy.func.lower, db.func.count */
  static const char *const SQL_MODULES[] = {"sa", "db", "sqlalchemy", "orm", NULL};
  if (in_list(head, fl, SQL_MODULES) &&
      (in_list(name, ll, PURE_FUNCTIONS) || memmem(head, last.start - first.start, ".func.", 6)))
    return NULL;
  if (memmem(src + first.start, last.start - first.start, "func.", 5))
    return NULL;
  return "it calls a function that may not return the same value on every iteration";
}

const char *ol_fixtext_hoist_problem(const ol_rule_ctx *ctx, ol_span span) {
  const char *src = ctx->src;
  for (uint32_t p = span.start; p < span.end; p++) {
    char c = src[p];
    if (c == '#') {
      while (p < span.end && src[p] != '\n')
        p++;
    } else if (c == '"' || c == '\'') {
      bool triple = span.end - p >= 3 && src[p + 1] == c && src[p + 2] == c;
      p += triple ? 3 : 1;
      while (p < span.end &&
             !(triple ? (span.end - p >= 3 && src[p] == c && src[p + 1] == c && src[p + 2] == c)
                      : src[p] == c))
        p += src[p] == '\\' ? 2 : 1;
      p += triple ? 2 : 0;
    } else if (c == '(') {
      uint32_t b = p;
      while (b > span.start && (src[b - 1] == ' ' || src[b - 1] == '\t'))
        b--;
      if (b > span.start && ident_char(src[b - 1])) {
        /* a keyword before `(` is no call: `in (`, `and (`, `not (`, `lambda (` */
        uint32_t s = b;
        while (s > span.start && ident_char(src[s - 1]))
          s--;
        static const char *const KEYWORDS[] = {"in", "and",   "or",  "not",    "if",     "else",
                                               "is", "await", "for", "lambda", "return", NULL};
        if (in_list(src + s, b - s, KEYWORDS))
          continue;
        const char *why = call_problem(src, span.start, p);
        if (why)
          return why;
      }
    } else if (c == '[' && p > span.start && ident_char(src[p - 1])) {
      return "evaluated before the loop, a subscript in it could raise where the loop would not "
             "have run at all";
    } else if (c == 'y' && p + 5 <= span.end && !memcmp(src + p, "yield", 5) &&
               (p == span.start || !ident_char(src[p - 1]))) {
      return "it yields";
    }
  }
  return NULL;
}
