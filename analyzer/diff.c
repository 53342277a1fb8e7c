/* Line diff: common prefix and suffix, an LCS over the middle (a plain
 * replacement when the middle is too large), hunks with 3 lines of context. */
#include "diff.h"

#include <stdbool.h>
#include <string.h>

#include "alloc.h"

typedef struct {
  const char *s;
  uint32_t len; /* with its line ending */
} line;

typedef OL_VEC(line) lines;

static void split(const char *text, uint32_t len, lines *out) {
  uint32_t start = 0;
  for (uint32_t i = 0; i < len; i++)
    if (text[i] == '\n') {
      ol_vec_push(out, ((line){text + start, i + 1 - start}));
      start = i + 1;
    }
  if (start < len)
    ol_vec_push(out, ((line){text + start, len - start}));
}

static int eq(line x, line y) { return x.len == y.len && memcmp(x.s, y.s, x.len) == 0; }

typedef enum { KEEP, DEL, ADD } op_kind;
typedef struct {
  op_kind kind;
  line l;
} op;
typedef OL_VEC(op) ops;

static void lcs_ops(const line *a, size_t n, const line *b, size_t m, ops *out) {
  if ((n + 1) * (m + 1) > (size_t)16 << 20) {
    for (size_t i = 0; i < n; i++)
      ol_vec_push(out, ((op){DEL, a[i]}));
    for (size_t j = 0; j < m; j++)
      ol_vec_push(out, ((op){ADD, b[j]}));
    return;
  }
  uint32_t *t = ol_calloc((n + 1) * (m + 1), sizeof(uint32_t));
#define T(i, j) t[(i) * (m + 1) + (j)]
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      T(i, j) = eq(a[i], b[j]) ? T(i + 1, j + 1) + 1
                               : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && eq(a[i], b[j])) {
      ol_vec_push(out, ((op){KEEP, a[i]}));
      i++, j++;
    } else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1)))
      ol_vec_push(out, ((op){DEL, a[i++]}));
    else
      ol_vec_push(out, ((op){ADD, b[j++]}));
  }
#undef T
  ol_free(t);
}

static void put_line(FILE *out, char mark, line l) {
  fputc(mark, out);
  fwrite(l.s, 1, l.len, out);
  if (!l.len || l.s[l.len - 1] != '\n')
    fputs("\n\\ No newline at end of file\n", out);
}

static void write_hunks(FILE *out, const ops *o) {
  const size_t ctx = 3;
  size_t i = 0, aline = 1, bline = 1;
  while (i < o->len) {
    size_t first = i;
    while (first < o->len && o->items[first].kind == KEEP)
      first++;
    if (first == o->len)
      return;
    size_t start = first > ctx + i ? first - ctx : i;
    for (size_t k = i; k < start; k++)
      aline++, bline++;
    /* Extend the hunk while changes are within 2*ctx lines of each other. */
    size_t end = first, keep_run = 0;
    for (size_t k = first; k < o->len; k++) {
      if (o->items[k].kind == KEEP) {
        if (++keep_run > 2 * ctx)
          break;
      } else {
        keep_run = 0;
        end = k + 1;
      }
    }
    size_t stop = end + ctx < o->len ? end + ctx : o->len;
    size_t na = 0, nb = 0;
    for (size_t k = start; k < stop; k++) {
      na += o->items[k].kind != ADD;
      nb += o->items[k].kind != DEL;
    }
    fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? aline : aline - 1, na, nb ? bline : bline - 1,
            nb);
    for (size_t k = start; k < stop; k++)
      put_line(out,
               o->items[k].kind == KEEP  ? ' '
               : o->items[k].kind == DEL ? '-'
                                         : '+',
               o->items[k].l);
    aline += na;
    bline += nb;
    i = stop;
  }
}

/* A path in a diff header as git writes it: bare, or in double quotes with
 * C escapes when it holds a quote, a backslash or a control character (a
 * TAB ends the name for `patch`, an LF would end the header line). */
static void put_path(FILE *out, const char *prefix, const char *path) {
  bool quote = false;
  for (const unsigned char *c = (const unsigned char *)path; *c && !quote; c++)
    quote = *c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\';
  if (!quote) {
    fprintf(out, "%s%s", prefix, path);
    return;
  }
  fprintf(out, "\"%s", prefix);
  for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
    const char *esc = strchr("\a\b\t\n\v\f\r", *c);
    if (*c && esc)
      fprintf(out, "\\%c", "abtnvfr"[esc - "\a\b\t\n\v\f\r"]);
    else if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c < 0x20 || *c == 0x7f)
      fprintf(out, "\\%03o", *c);
    else
      fputc(*c, out);
  }
  fputc('"', out);
}

void ol_diff_write(FILE *out, const char *path, const char *a, uint32_t alen, const char *b,
                   uint32_t blen) {
  if (alen == blen && memcmp(a, b, alen) == 0)
    return;
  lines la = {0}, lb = {0};
  split(a, alen, &la);
  split(b, blen, &lb);
  size_t pre = 0, suf = 0;
  while (pre < la.len && pre < lb.len && eq(la.items[pre], lb.items[pre]))
    pre++;
  while (suf < la.len - pre && suf < lb.len - pre &&
         eq(la.items[la.len - 1 - suf], lb.items[lb.len - 1 - suf]))
    suf++;
  ops o = {0};
  for (size_t i = 0; i < pre; i++)
    ol_vec_push(&o, ((op){KEEP, la.items[i]}));
  lcs_ops(la.items + pre, la.len - pre - suf, lb.items + pre, lb.len - pre - suf, &o);
  for (size_t i = la.len - suf; i < la.len; i++)
    ol_vec_push(&o, ((op){KEEP, la.items[i]}));
  fputs("--- ", out);
  put_path(out, "a/", path);
  fputs("\n+++ ", out);
  put_path(out, "b/", path);
  fputc('\n', out);
  write_hunks(out, &o);
  ol_vec_free(&o);
  ol_vec_free(&la);
  ol_vec_free(&lb);
}
