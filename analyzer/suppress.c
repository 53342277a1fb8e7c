/* `# noqa` comments. A bare `# noqa` silences every rule on its line; a
 * list silences the codes named (exactly or by prefix, like ORM0). */
#include "suppress.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* The `# noqa` of one line [s, e): fills d, returns false when there is none. */
static bool noqa_at(const char *base, const char *s, const char *e, ol_noqa *d) {
  for (const char *p = s; p < e; p++) {
    if (*p != '#')
      continue;
    const char *q = p + 1;
    while (q < e && (*q == ' ' || *q == '\t'))
      q++;
    if (e - q < 4 || strncasecmp(q, "noqa", 4) != 0 || (q + 4 < e && isalnum((unsigned char)q[4])))
      continue;
    memset(d, 0, sizeof *d);
    d->comment.start = (uint32_t)(p - base);
    const char *r = q + 4;
    while (r < e && (*r == ' ' || *r == '\t'))
      r++;
    if (r == e || *r != ':') {
      d->bare = true;
      d->comment.end = (uint32_t)(q + 4 - base);
      return true;
    }
    r++;
    d->list.start = (uint32_t)(r - base);
    for (;;) {
      while (r < e && (*r == ' ' || *r == ',' || *r == '\t'))
        r++;
      const char *c = r;
      while (r < e && isalnum((unsigned char)*r))
        r++;
      if (r == c)
        break;
      if (d->n_codes < OL_NOQA_CODES) {
        d->codes[d->n_codes].at = (ol_span){(uint32_t)(c - base), (uint32_t)(r - base)};
        d->n_codes++;
      }
      d->list.end = d->comment.end = (uint32_t)(r - base);
    }
    if (!d->n_codes) { /* `# noqa:` with nothing after it: bare */
      d->bare = true;
      d->comment.end = (uint32_t)(q + 4 - base);
      d->list = (ol_span){0};
    }
    return true;
  }
  return false;
}

void ol_noqa_scan(const ol_source *src, ol_noqas *out) {
  const char *b = src->bytes;
  for (const char *p = b; (p = memchr(p, '#', (size_t)(b + src->len - p)));) {
    uint32_t line = ol_source_line(src, (uint32_t)(p - b));
    const char *s = b + src->line_starts[line - 1];
    const char *e = line < src->n_lines ? b + src->line_starts[line] : b + src->len;
    ol_noqa d;
    if (noqa_at(b, p, e, &d)) {
      d.line = line;
      ol_vec_push(out, d);
    }
    (void)s;
    p = e;
  }
}

bool ol_noqa_suppresses(const ol_source *src, ol_noqas *noqas, uint32_t first, uint32_t last,
                        const char *code) {
  bool hit = false;
  for (size_t i = 0; i < noqas->len; i++) {
    ol_noqa *d = &noqas->items[i];
    if (d->line < first || d->line > last)
      continue;
    if (d->bare) {
      d->used_bare = hit = true;
      continue;
    }
    for (uint32_t c = 0; c < d->n_codes; c++) {
      size_t n = d->codes[c].at.end - d->codes[c].at.start;
      if (n <= strlen(code) && !strncmp(code, src->bytes + d->codes[c].at.start, n)) {
        d->codes[c].used = true;
        hit = true;
      }
    }
  }
  return hit;
}

/* The line's text with the codes added: into its `# noqa: ...` list, or as a
 * new comment at its end. NULL when a bare `# noqa` already covers it. */
/* After `# noqa` in s[0..n), NULL when there is none. */
static const char *existing_noqa(const char *s, size_t n) {
  for (size_t i = 0; i + 5 <= n; i++)
    if (s[i] == '#') {
      size_t j = i + 1;
      while (j < n && s[j] == ' ')
        j++;
      if (j + 4 <= n && !strncasecmp(s + j, "noqa", 4))
        return s + j + 4;
    }
  return NULL;
}

char *ol_noqa_add_to_template_line(const char *s, size_t n, const char *codes) {
  if (existing_noqa(s, n)) /* `{# noqa: ORM001 #}`: into its list */
    return ol_noqa_add_to_line(s, n, codes);
  size_t keep = n;
  while (keep && (s[keep - 1] == ' ' || s[keep - 1] == '\t'))
    keep--;
  return ol_format("%.*s {# noqa: %s #}", (int)keep, s, codes);
}

char *ol_noqa_add_to_line(const char *s, size_t n, const char *codes) {
  const char *hash = existing_noqa(s, n); /* an existing `# noqa` */
  if (hash) {
    if (hash >= s + n || *hash != ':')
      return NULL; /* bare noqa */
    const char *end = hash + 1;
    while (end < s + n && (*end == ' ' || *end == ',' || isalnum((unsigned char)*end)))
      end++;
    while (end > hash + 1 && end[-1] == ' ')
      end--;
    return ol_format("%.*s,%s%.*s", (int)(end - s), s, codes, (int)(s + n - end), end);
  }
  size_t keep = n;
  while (keep && (s[keep - 1] == ' ' || s[keep - 1] == '\t'))
    keep--;
  return ol_format("%.*s  # noqa: %s", (int)keep, s, codes);
}
