/* Source files: reading, line index, UTF-16 columns. */
#include "source.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "config.h"

int ol_utf8_len(const unsigned char *s, size_t avail) {
  unsigned c = s[0];
  int n;
  unsigned min;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, min = 0x10000;
  else
    return 0;
  if ((size_t)n > avail)
    return 0;
  unsigned cp = c & (0x7f >> n);
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/* Whether b holds neither a carriage return nor a byte >= 0x80 (8 at a time). */
static bool plain_text(const unsigned char *b, uint32_t len) {
  uint32_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    uint64_t cr = w ^ 0x0d0d0d0d0d0d0d0dull;
    if ((((cr - 0x0101010101010101ull) & ~cr) | w) & 0x8080808080808080ull)
      return false;
  }
  for (; i < len; i++)
    if (b[i] >= 0x80 || b[i] == '\r')
      return false;
  return true;
}

void ol_source_init(ol_source *src, char *bytes, uint32_t len) {
  src->bytes = bytes;
  src->len = len;
  size_t cap = 64;
  src->line_starts = ol_malloc(cap * sizeof(uint32_t));
  src->n_lines = 0;
  src->line_starts[src->n_lines++] = 0;
  src->first_bad_utf8 = 0;
  const unsigned char *b = (const unsigned char *)bytes;
  if (plain_text(b, len)) { /* the common case: line starts by memchr */
    for (const char *p = bytes, *end = bytes + len; (p = memchr(p, '\n', (size_t)(end - p)));) {
      p++;
      if (src->n_lines == cap)
        src->line_starts = ol_realloc(src->line_starts, (cap *= 2) * sizeof(uint32_t));
      src->line_starts[src->n_lines++] = (uint32_t)(p - bytes);
    }
    return;
  }
  for (uint32_t i = 0; i < len;) {
    unsigned c = b[i];
    int step = 1;
    if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < len && b[i + 1] == '\n')
        step = 2;
      if (src->n_lines == cap)
        src->line_starts = ol_realloc(src->line_starts, (cap *= 2) * sizeof(uint32_t));
      src->line_starts[src->n_lines++] = i + (uint32_t)step;
    } else if (c >= 0x80) {
      step = ol_utf8_len(b + i, len - i);
      if (!step) {
        if (!src->first_bad_utf8)
          src->first_bad_utf8 = src->n_lines;
        step = 1;
      }
    }
    i += (uint32_t)step;
  }
}

ol_status ol_source_read(const ol_fs *fs, const char *path, size_t limit, ol_source *src,
                         ol_error *err) {
  memset(src, 0, sizeof *src);
  char *bytes = NULL;
  size_t len = 0;
  int e = fs->read_all(path, limit, &bytes, &len, &src->st);
  if (e == EINVAL) {
    ol_error_set(err, path, 0, "skipped: not a regular file");
    return OL_ERR_SKIP;
  }
  if (e == EFBIG) {
    char size[32], max[32];
    if (src->st.st_size > 0 && (size_t)src->st.st_size > limit)
      ol_error_set(err, path, 0, "skipped: %s, larger than max-file-size (%s)",
                   ol_size_text((size_t)src->st.st_size, size, sizeof size),
                   ol_size_text(limit, max, sizeof max));
    else
      ol_error_set(err, path, 0, "skipped: larger than max-file-size (%s)",
                   ol_size_text(limit, max, sizeof max));
    return OL_ERR_SKIP;
  }
  if (e) {
    ol_error_set(err, path, 0, "cannot read: %s", strerror(e));
    return OL_ERR_IO;
  }
  const char *nul = memchr(bytes, '\0', len);
  if (nul) {
    uint32_t line = 1;
    for (const char *p = bytes; p < nul; p++)
      line += *p == '\n';
    ol_error_set(err, path, line, "skipped: binary file (NUL byte on line %u)", line);
    ol_free(bytes);
    return OL_ERR_SKIP;
  }
  src->path = ol_strdup(path);
  ol_source_init(src, bytes, (uint32_t)len);
  return OL_OK;
}

void ol_source_free(ol_source *src) {
  ol_free(src->path);
  ol_free(src->rel);
  ol_free(src->bytes);
  ol_free(src->line_starts);
  memset(src, 0, sizeof *src);
}

uint32_t ol_source_line(const ol_source *src, uint32_t off) {
  uint32_t lo = 0, hi = src->n_lines;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (src->line_starts[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  return lo + 1;
}

uint32_t ol_source_line_start(const ol_source *src, uint32_t off) {
  return src->line_starts[ol_source_line(src, off) - 1];
}

uint32_t ol_source_col16(const ol_source *src, uint32_t off) {
  if (off > src->len)
    off = src->len;
  const unsigned char *b = (const unsigned char *)src->bytes;
  uint32_t i = ol_source_line_start(src, off), col = 1;
  if (i == 0 && src->len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) && off >= 3)
    i = 3; /* a BOM is not a column */
  while (i < off) {
    int n = b[i] < 0x80 ? 1 : ol_utf8_len(b + i, src->len - i);
    if (!n)
      n = 1;
    col += n == 4 ? 2 : 1;
    i += (uint32_t)n;
  }
  return col;
}

static uint32_t line_end(const ol_source *src, uint32_t line) {
  uint32_t end = line < src->n_lines ? src->line_starts[line] : src->len;
  while (end > src->line_starts[line - 1] &&
         (src->bytes[end - 1] == '\n' || src->bytes[end - 1] == '\r'))
    end--;
  return end;
}

uint32_t ol_source_offset(const ol_source *src, uint32_t line, uint32_t col16) {
  if (line < 1)
    return 0;
  if (line > src->n_lines)
    return src->len;
  const unsigned char *b = (const unsigned char *)src->bytes;
  uint32_t i = src->line_starts[line - 1], end = line_end(src, line), col = 1;
  if (i == 0 && src->len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3))
    i = 3;
  while (i < end && col < col16) {
    int n = b[i] < 0x80 ? 1 : ol_utf8_len(b + i, src->len - i);
    if (!n)
      n = 1;
    col += n == 4 ? 2 : 1;
    i += (uint32_t)n;
  }
  return i;
}

ol_region ol_source_region(const ol_source *src, uint32_t start, uint32_t end) {
  ol_region r;
  r.line = ol_source_line(src, start);
  r.col = ol_source_col16(src, start);
  r.end_line = ol_source_line(src, end);
  r.end_col = ol_source_col16(src, end);
  r.byte_offset = start;
  r.byte_length = end - start;
  return r;
}

char *ol_source_line_text(const ol_source *src, uint32_t line) {
  if (line < 1 || line > src->n_lines)
    return ol_strdup("");
  uint32_t start = src->line_starts[line - 1];
  return ol_strndup(src->bytes + start, line_end(src, line) - start);
}

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026: one UTF-16 unit, one cell */

static uint32_t char_start(const ol_source *src, uint32_t at, uint32_t floor) {
  while (at > floor && ((unsigned char)src->bytes[at] & 0xc0) == 0x80)
    at--;
  return at;
}

char *ol_source_line_excerpt(const ol_source *src, uint32_t off, size_t max, uint32_t *col) {
  uint32_t line = ol_source_line(src, off);
  uint32_t start = src->line_starts[line - 1], end = line_end(src, line);
  *col = 1;
  if (end - start <= max)
    return ol_strndup(src->bytes + start, end - start);
  uint32_t from = off > start + max / 3 ? char_start(src, off - (uint32_t)(max / 3), start) : start;
  uint32_t to = from + max < end ? char_start(src, from + (uint32_t)max, from) : end;
  ol_buf b = {0};
  if (from > start) {
    ol_buf_puts(&b, ELLIPSIS);
    *col = ol_source_col16(src, from) - 1;
  }
  ol_buf_add(&b, src->bytes + from, to - from);
  if (to < end)
    ol_buf_puts(&b, ELLIPSIS);
  return ol_buf_take(&b);
}

size_t ol_line_length(const char *s, size_t avail) {
  size_t n = 0;
  while (n < avail && s[n] != '\n' && s[n] != '\r')
    n++;
  return n;
}

char *ol_text_brief(const char *s, size_t n, size_t max) {
  size_t cut = n;
  const char *nl = memchr(s, '\n', n);
  if (nl)
    cut = (size_t)(nl - s);
  if (cut > max)
    cut = max;
  while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xc0) == 0x80)
    cut--; /* keep UTF-8 whole */
  while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == '\t' || s[cut - 1] == '\r'))
    cut--;
  return cut < n ? ol_format("%.*s...", (int)cut, s) : ol_strndup(s, n);
}

/* C1 controls are U+0080..U+009F: C2 80..C2 9F in UTF-8. */
static bool is_control(const unsigned char *s, int len, const char *keep) {
  if (len == 1)
    return (s[0] < 0x20 || s[0] == 0x7f) && !(s[0] && strchr(keep, s[0]));
  return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

char *ol_text_printable(const char *str, size_t max, const char *keep) {
  if (!keep)
    keep = "\t";
  const unsigned char *s = (const unsigned char *)(str ? str : "");
  size_t n = strlen((const char *)s);
  ol_buf b = {0};
  for (size_t i = 0; i < n;) {
    int len = ol_utf8_len(s + i, n - i);
    if (max && i + (len ? (size_t)len : 1) > max) {
      ol_buf_puts(&b, "...");
      break;
    }
    if (!len || is_control(s + i, len, keep))
      ol_buf_puts(&b, "\xEF\xBF\xBD");
    else
      ol_buf_add(&b, (const char *)s + i, (size_t)len);
    i += len ? (size_t)len : 1;
  }
  return ol_buf_take(&b);
}
