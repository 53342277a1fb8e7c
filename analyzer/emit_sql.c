/* --emit-sql: CREATE INDEX statements from the findings' index advice.
 * Columns of one table that one query looks up together get one composite
 * index (equality columns first, in the query's order, then one range or
 * order column); every other column its own. */
#include "emit_sql.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "source.h"

#define MAX_SITES 10
#define MAX_NAME 63 /* PostgreSQL truncates identifiers beyond this */
/* MySQL indexes a TEXT column only by a prefix: 255 characters, which fit
 * InnoDB's 3072-byte key limit in utf8mb4 with room for more columns. */
#define MYSQL_TEXT_PREFIX 255

/* One (table, column) with every lookup behind it, over all findings. */
typedef struct {
  const char *table, *column;
  bool foreign_key;
  bool text;
  OL_VEC(const ol_advice_use *) uses;
  bool in_composite; /* every lookup of it is served by a composite index */
} column_rec;

typedef OL_VEC(column_rec) column_recs;

bool ol_sql_dialect_known(const char *d) {
  return d && (!strcmp(d, "postgresql") || !strcmp(d, "sqlite") || !strcmp(d, "mysql"));
}

static int by_table_column(const void *pa, const void *pb) {
  const column_rec *a = pa, *b = pb;
  int c = strcmp(a->table, b->table);
  return c ? c : strcmp(a->column, b->column);
}

static void gather(const ol_report *r, bool mysql, column_recs *out) {
  for (size_t i = 0; i < r->n_findings; i++)
    for (size_t j = 0; j < r->findings[i].n_advice; j++) {
      const ol_index_advice *a = &r->findings[i].advice[j];
      if (mysql && a->foreign_key)
        continue; /* InnoDB indexes foreign keys itself */
      column_rec *rec = NULL;
      for (size_t k = 0; k < out->len && !rec; k++)
        if (!strcmp(out->items[k].table, a->table) && !strcmp(out->items[k].column, a->column))
          rec = &out->items[k];
      if (!rec) {
        column_rec fresh = {.table = a->table, .column = a->column};
        ol_vec_push(out, fresh);
        rec = &out->items[out->len - 1];
      }
      rec->foreign_key |= a->foreign_key;
      rec->text |= a->text;
      for (size_t u = 0; u < a->n_uses; u++)
        ol_vec_push(&rec->uses, &a->uses[u]);
    }
  if (out->len)
    qsort(out->items, out->len, sizeof *out->items, by_table_column);
}

/* Words the three dialects reserve that a table or column is often named
 * (`user`, `order`): unquoted, they end the statement in a syntax error. */
static const char *const reserved[] = {
    "all",    "and",    "as",      "by",     "case",   "check",    "column",  "constraint",
    "create", "cross",  "default", "delete", "desc",   "distinct", "drop",    "else",
    "end",    "from",   "grant",   "group",  "having", "in",       "index",   "inner",
    "insert", "into",   "is",      "join",   "key",    "left",     "like",    "limit",
    "not",    "null",   "offset",  "on",     "or",     "order",    "primary", "references",
    "right",  "select", "set",     "table",  "then",   "to",       "union",   "unique",
    "update", "user",   "using",   "values", "when",   "where",    "with"};

static bool is_reserved(const char *s) {
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (!strcmp(reserved[i], s))
      return true;
  return false;
}

/* MySQL reserves more words that make likely names (`rank`, `key`, `range`). */
static bool mysql_reserved(const char *s) {
  static const char *const WORDS[] = {
      "add",          "all",        "alter",     "and",     "as",           "asc",
      "between",      "by",         "case",      "change",  "check",        "column",
      "condition",    "constraint", "create",    "cross",   "current_date", "current_time",
      "current_user", "database",   "default",   "delete",  "desc",         "describe",
      "distinct",     "div",        "drop",      "else",    "exists",       "explain",
      "fetch",        "for",        "force",     "foreign", "from",         "function",
      "grant",        "group",      "groups",    "having",  "if",           "ignore",
      "in",           "index",      "inner",     "insert",  "interval",     "into",
      "is",           "join",       "key",       "keys",    "kill",         "lead",
      "left",         "like",       "limit",     "lines",   "load",         "lock",
      "match",        "mod",        "natural",   "not",     "null",         "of",
      "on",           "option",     "or",        "order",   "outer",        "partition",
      "primary",      "range",      "rank",      "read",    "references",   "regexp",
      "release",      "rename",     "repeat",    "replace", "require",      "restrict",
      "return",       "revoke",     "right",     "rlike",   "row",          "rows",
      "schema",       "select",     "separator", "set",     "show",         "signal",
      "system",       "table",      "then",      "to",      "trigger",      "true",
      "false",        "union",      "unique",    "unlock",  "update",       "usage",
      "use",          "using",      "values",    "when",    "where",        "while",
      "window",       "with",       "write",     NULL};
  for (const char *const *w = WORDS; *w; w++)
    if (!strcmp(s, *w))
      return true;
  return false;
}

/* Whether s can be written as a quoted identifier of the dialect: not
 * empty, UTF-8, no control character (a newline in a name would end a
 * comment or a statement in a script meant to be read line by line), and
 * for MySQL no character beyond U+FFFF and no trailing space. */
static bool ident_ok(const char *s, bool mysql) {
  size_t n = strlen(s);
  if (!n || n > 4 * MAX_NAME || (mysql && s[n - 1] == ' '))
    return false;
  for (size_t i = 0; i < n;) {
    int len = ol_utf8_len((const unsigned char *)s + i, n - i);
    unsigned char c = (unsigned char)s[i];
    if (!len || c < 0x20 || c == 0x7f ||
        (len == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) || (mysql && len == 4))
      return false;
    i += (size_t)len;
  }
  return true;
}

/* An identifier: bare when it is a plain lower-case word no dialect
 * reserves, else quoted (the quote doubled inside). Only for ident_ok names. */
static void put_ident(ol_buf *b, const char *s, bool mysql) {
  bool plain = *s && (islower((unsigned char)*s) || *s == '_') && !is_reserved(s) &&
               !(mysql && mysql_reserved(s));
  for (const char *c = s; *c && plain; c++)
    plain = islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_';
  if (plain)
    return ol_buf_printf(b, "%s", s);
  char q = mysql ? '`' : '"';
  ol_buf_putc(b, q);
  for (const char *c = s; *c; c++) {
    if (*c == q)
      ol_buf_putc(b, q);
    ol_buf_putc(b, *c);
  }
  ol_buf_putc(b, q);
}

/* Text from the analysed code in a `--` comment: one line, whatever it holds. */
static void put_comment_text(ol_buf *b, const char *s) {
  char *safe = ol_text_printable(s, 512, ""); /* a path, or a name of any length */
  ol_buf_puts(b, safe);
  ol_free(safe);
}

/* The distinct lookup sites of a column, comma-separated, at most MAX_SITES. */
static void put_sites(ol_buf *b, const column_rec *c) {
  size_t shown = 0, total = 0;
  for (size_t i = 0; i < c->uses.len; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++)
      seen = !strcmp(c->uses.items[k]->where, c->uses.items[i]->where);
    if (seen)
      continue;
    total++;
    if (shown < MAX_SITES) {
      ol_buf_puts(b, shown++ ? ", " : "");
      put_comment_text(b, c->uses.items[i]->where);
    }
  }
  if (total > shown)
    ol_buf_printf(b, " and %zu more", total - shown);
}

static void put_index(ol_buf *b, const char *table, const column_rec *const *cols, size_t n,
                      bool mysql) {
  bool ok = ident_ok(table, mysql);
  for (size_t i = 0; i < n; i++)
    ok = ok && ident_ok(cols[i]->column, mysql);
  if (!ok) {
    ol_buf_puts(b, "-- not written: a name above holds what no quoted identifier may hold "
                   "(a control character, bytes that are not UTF-8, or nothing)\n");
    return;
  }
  ol_buf name = {0};
  ol_buf_printf(&name, "ix_%s", table);
  for (size_t i = 0; i < n; i++)
    ol_buf_printf(&name, "_%s", cols[i]->column);
  char *nm = ol_buf_take(&name);
  for (char *c = nm; *c; c++)
    *c = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
  if (strlen(nm) > MAX_NAME)
    nm[MAX_NAME] = '\0';
  ol_buf_printf(b, "CREATE INDEX %s", mysql ? "" : "IF NOT EXISTS ");
  put_ident(b, nm, mysql);
  ol_buf_printf(b, " ON ");
  put_ident(b, table, mysql);
  ol_buf_printf(b, " (");
  for (size_t i = 0; i < n; i++) {
    ol_buf_printf(b, "%s", i ? ", " : "");
    put_ident(b, cols[i]->column, mysql);
    if (mysql &&
        cols[i]->text) /* BLOB/TEXT column used in key specification without a key length */
      ol_buf_printf(b, "(%d)", MYSQL_TEXT_PREFIX);
  }
  ol_buf_printf(b, ");\n");
  ol_free(nm);
}

static const ol_advice_use *use_in(const column_rec *c, uint64_t query) {
  for (size_t i = 0; i < c->uses.len; i++)
    if (c->uses.items[i]->query == query && c->uses.items[i]->kind != OL_ADVICE_OTHER)
      return c->uses.items[i];
  return NULL;
}

static int by_order(const void *pa, const void *pb) {
  const ol_advice_use *a = *(const ol_advice_use *const *)pa,
                      *b = *(const ol_advice_use *const *)pb;
  bool ea = a->kind == OL_ADVICE_EQUAL, eb = b->kind == OL_ADVICE_EQUAL;
  if (ea != eb)
    return ea ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* The columns of table [first, last) one query looks up together: its
 * equality columns in the query's order, then one range or order column. */
static size_t composite_of(column_rec *recs, size_t first, size_t last, uint64_t query,
                           column_rec **out) {
  const ol_advice_use *uses[64];
  column_rec *owner[64];
  size_t n = 0;
  for (size_t c = first; c < last && n < 64; c++) {
    const ol_advice_use *u = use_in(&recs[c], query);
    if (u)
      uses[n] = u, owner[n++] = &recs[c];
  }
  /* Sort the uses, carrying their columns along. */
  for (size_t i = 1; i < n; i++)
    for (size_t k = i; k > 0 && by_order(&uses[k - 1], &uses[k]) > 0; k--) {
      const ol_advice_use *tu = uses[k];
      column_rec *to = owner[k];
      uses[k] = uses[k - 1], owner[k] = owner[k - 1];
      uses[k - 1] = tu, owner[k - 1] = to;
    }
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (uses[i]->kind == OL_ADVICE_EQUAL || (i == 0 || uses[i - 1]->kind == OL_ADVICE_EQUAL))
      out[m++] = owner[i];
  return m >= 2 ? m : 0;
}

static bool same_columns(column_rec *const *a, size_t na, column_rec *const *b, size_t nb) {
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (a[i] != b[i])
      return false;
  return true;
}

static const char *query_site(const column_rec *c, uint64_t query) {
  const ol_advice_use *u = use_in(c, query);
  return u ? u->where : "";
}

/* Composite indexes of one table, each once. */
static void composites(ol_buf *b, column_rec *recs, size_t first, size_t last, bool mysql) {
  OL_VEC(column_rec *) done = {0}; /* emitted column lists, each ended by NULL */
  for (size_t c = first; c < last; c++)
    for (size_t u = 0; u < recs[c].uses.len; u++) {
      column_rec *cols[64];
      uint64_t q = recs[c].uses.items[u]->query;
      size_t n = composite_of(recs, first, last, q, cols);
      bool seen = n == 0;
      for (size_t s = 0; s < done.len && !seen; s += 1) {
        size_t len = 0;
        while (done.items[s + len])
          len++;
        seen = same_columns(&done.items[s], len, cols, n);
        s += len;
      }
      if (seen)
        continue;
      for (size_t i = 0; i < n; i++)
        ol_vec_push(&done, cols[i]);
      ol_vec_push(&done, (column_rec *)NULL);
      ol_buf_puts(b, "\n-- ");
      put_comment_text(b, recs[c].table);
      ol_buf_puts(b, ": one query looks up");
      for (size_t i = 0; i < n; i++) {
        ol_buf_puts(b, i ? (i + 1 == n ? " and " : ", ") : " ");
        put_comment_text(b, cols[i]->column);
      }
      ol_buf_puts(b, " together (");
      put_comment_text(b, query_site(cols[0], q));
      ol_buf_puts(b, "): a composite index\n");
      put_index(b, recs[c].table, (const column_rec *const *)cols, n, mysql);
    }
  ol_vec_free(&done);
}

/* Whether the composite index of each query that looks c up holds c (a
 * leading column is served by it for any query). */
static bool served_by_composites(column_rec *recs, size_t first, size_t last, column_rec *c) {
  for (size_t u = 0; u < c->uses.len; u++) {
    column_rec *cols[64];
    size_t n = composite_of(recs, first, last, c->uses.items[u]->query, cols);
    bool held = false;
    for (size_t i = 0; i < n && !held; i++)
      held = cols[i] == c;
    if (!held)
      return false;
  }
  return true;
}

static void singles(ol_buf *b, column_rec *recs, size_t first, size_t last, bool mysql) {
  for (size_t c = first; c < last; c++)
    recs[c].in_composite = served_by_composites(recs, first, last, &recs[c]);
  for (size_t c = first; c < last; c++) {
    ol_buf_puts(b, "\n-- ");
    put_comment_text(b, recs[c].table);
    ol_buf_putc(b, '.');
    put_comment_text(b, recs[c].column);
    ol_buf_printf(b, "%s: ", recs[c].foreign_key ? " (foreign key)" : "");
    put_sites(b, &recs[c]);
    if (recs[c].in_composite) {
      ol_buf_printf(b, "\n-- served by the composite index above\n");
      continue;
    }
    ol_buf_putc(b, '\n');
    const column_rec *one = &recs[c];
    put_index(b, recs[c].table, &one, 1, mysql);
  }
}

int ol_emit_sql(FILE *out, const ol_report *r, const char *dialect) {
  if (!dialect)
    dialect = "postgresql";
  bool mysql = !strcmp(dialect, "mysql");
  column_recs recs = {0};
  gather(r, mysql, &recs);
  ol_buf b = {0};
  ol_buf_printf(&b,
                "-- Indexes for the lookups ormlint found without one (ORM007), for %s.\n"
                "-- Each is a schema change: review it, and apply it through a migration.\n",
                dialect);
  if (mysql)
    ol_buf_printf(&b, "-- Foreign keys are left out: InnoDB indexes them itself.\n");
  if (!recs.len)
    ol_buf_printf(&b, "-- None: every lookup ormlint saw has an index behind it.\n");
  for (size_t first = 0; first < recs.len;) {
    size_t last = first + 1;
    while (last < recs.len && !strcmp(recs.items[last].table, recs.items[first].table))
      last++;
    composites(&b, recs.items, first, last, mysql);
    singles(&b, recs.items, first, last, mysql);
    first = last;
  }
  for (size_t i = 0; i < recs.len; i++)
    ol_vec_free(&recs.items[i].uses);
  ol_vec_free(&recs);
  char *text = ol_buf_take(&b);
  int rc = fputs(text, out) < 0 ? -1 : 0;
  ol_free(text);
  return rc;
}
