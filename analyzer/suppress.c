/* `# noqa` comments. A bare `# noqa` silences every rule on its line; a
 * list silences the codes named (exactly or by prefix, like ORM0). */
#include "suppress.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* The text after "noqa" when the line holds a `# noqa` comment, else NULL. */
static const char *noqa_at(const char *line, const char *end) {
  for (const char *p = line; p < end; p++) {
    if (*p != '#')
      continue;
    const char *q = p + 1;
    while (q < end && (*q == ' ' || *q == '\t'))
      q++;
    if (end - q >= 4 && strncasecmp(q, "noqa", 4) == 0 &&
        (q + 4 == end || !isalnum((unsigned char)q[4])))
      return q + 4;
  }
  return NULL;
}

static bool lists_code(const char *p, const char *end, const char *code) {
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end || *p != ':')
    return true; /* bare noqa */
  p++;
  for (;;) {
    while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
      p++;
    const char *s = p;
    while (p < end && isalnum((unsigned char)*p))
      p++;
    if (p == s)
      return false;
    size_t n = (size_t)(p - s);
    if (n <= strlen(code) && strncmp(code, s, n) == 0)
      return true;
  }
}

bool ol_suppressed(const ol_source *src, uint32_t first, uint32_t last, const char *code) {
  for (uint32_t line = first; line <= last && line <= src->n_lines; line++) {
    const char *s = src->bytes + src->line_starts[line - 1];
    const char *e =
        line < src->n_lines ? src->bytes + src->line_starts[line] : src->bytes + src->len;
    const char *after = noqa_at(s, e);
    if (after) {
      const char *stop = after;
      while (stop < e && *stop != '\n' && *stop != '\r' && *stop != '#')
        stop++;
      if (lists_code(after, stop, code))
        return true;
    }
  }
  return false;
}
