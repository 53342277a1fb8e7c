/* Caps on what a fix's Before/After snippets quote. A fix's block is whole
 * lines, and one line may be megabytes long: a hundred findings on a 2 MB
 * line would hold (and print) hundreds of megabytes. A long line keeps a
 * window around where Before and After differ, and a snippet keeps its
 * first OL_SNIPPET_MAX bytes, an Ellipsis statement marking the rest. */
#include <string.h>

#include "alloc.h"
#include "finding.h"
#include "source.h"

#define LINE_MAX_BYTES (2 * OL_EXCERPT_MAX)
#define OL_SNIPPET_MAX (64u << 10)
#define ELLIPSIS "\xE2\x80\xA6"
#define PAIR_KEY 64 /* bytes two long lines share when they are one line before and after */

typedef struct {
  const char *s;
  size_t len;
} span;
typedef OL_VEC(span) spans;

static void split(const char *text, spans *out) {
  for (const char *p = text; *p;) {
    size_t n = strcspn(p, "\n");
    ol_vec_push(out, ((span){p, n}));
    p += n + (p[n] == '\n');
  }
}

static size_t keep_utf8(const char *s, size_t at) {
  while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
    at--;
  return at;
}

/* Where long line l first differs from its counterpart in the other
 * snippet (the long line with the same start), or 0. */
static size_t focus_of(span l, const spans *other) {
  for (size_t i = 0; i < other->len; i++) {
    span o = other->items[i];
    if (o.len <= LINE_MAX_BYTES || memcmp(o.s, l.s, PAIR_KEY) != 0)
      continue;
    size_t d = 0;
    while (d < l.len && d < o.len && l.s[d] == o.s[d])
      d++;
    return d;
  }
  return 0;
}

static void put_line(ol_buf *b, span l, const spans *other) {
  if (l.len <= LINE_MAX_BYTES) {
    ol_buf_add(b, l.s, l.len);
    return;
  }
  size_t focus = focus_of(l, other);
  size_t from = focus > LINE_MAX_BYTES / 2 ? keep_utf8(l.s, focus - LINE_MAX_BYTES / 2) : 0;
  size_t to = from + LINE_MAX_BYTES < l.len ? keep_utf8(l.s, from + LINE_MAX_BYTES) : l.len;
  if (from) {
    size_t indent = strspn(l.s, " \t");
    ol_buf_add(b, l.s, indent < from ? indent : from);
    ol_buf_puts(b, ELLIPSIS);
  }
  ol_buf_add(b, l.s + from, to - from);
  if (to < l.len)
    ol_buf_puts(b, ELLIPSIS);
}

static char *capped(const spans *lines, const spans *other) {
  ol_buf b = {0};
  for (size_t i = 0; i < lines->len; i++) {
    if (b.len > OL_SNIPPET_MAX) {
      ol_buf_puts(&b, "...\n");
      break;
    }
    put_line(&b, lines->items[i], other);
    ol_buf_putc(&b, '\n');
  }
  return ol_buf_take(&b);
}

static bool needs_cap(const spans *lines, size_t total) {
  if (total > OL_SNIPPET_MAX)
    return true;
  for (size_t i = 0; i < lines->len; i++)
    if (lines->items[i].len > LINE_MAX_BYTES)
      return true;
  return false;
}

void ol_fix_cap_snippets(ol_fix *fix) {
  spans a = {0}, b = {0};
  split(fix->before, &a);
  split(fix->after, &b);
  if (needs_cap(&a, strlen(fix->before)) || needs_cap(&b, strlen(fix->after))) {
    char *before = capped(&a, &b), *after = capped(&b, &a);
    ol_free(fix->before);
    ol_free(fix->after);
    fix->before = before;
    fix->after = after;
  }
  ol_vec_free(&a);
  ol_vec_free(&b);
}
