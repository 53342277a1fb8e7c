/* A source file: its bytes, a line index, and the conversions from byte
 * offsets to lines and UTF-16 columns that SARIF and LSP positions need.
 * Columns are computed only when a finding is written. */
#ifndef OL_SOURCE_H
#define OL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "finding.h"
#include "fsys.h"
#include "status.h"

typedef struct ol_source {
  char *path;  /* as opened */
  char *rel;   /* relative to the project root, for output */
  char *bytes; /* len bytes plus a NUL */
  uint32_t len;
  uint32_t *line_starts; /* byte offset of each line's first byte */
  uint32_t n_lines;
  uint32_t first_bad_utf8; /* 1-based line of the first invalid UTF-8 sequence, 0 if none */
  struct stat st;          /* identity when read, to refuse writing over a changed file */
} ol_source;

/* Reads path. OL_ERR_IO: missing/unreadable (err filled). OL_ERR_SKIP: binary,
 * larger than limit bytes or not a regular file (err filled). On OL_OK the
 * caller owns *src and frees it with ol_source_free. */
ol_status ol_source_read(const ol_fs *fs, const char *path, size_t limit, ol_source *src,
                         ol_error *err);
/* Takes ownership of bytes (allocated with ol_malloc, NUL-terminated) and indexes lines. */
void ol_source_init(ol_source *src, char *bytes, uint32_t len);
void ol_source_free(ol_source *src);

/* 1-based line containing byte offset off (\n, \r\n and lone \r end lines). */
uint32_t ol_source_line(const ol_source *src, uint32_t off);
/* 1-based column of off on its line, in UTF-16 code units. */
uint32_t ol_source_col16(const ol_source *src, uint32_t off);
/* Byte offset of (1-based line, 1-based UTF-16 column); clamps to the line. */
uint32_t ol_source_offset(const ol_source *src, uint32_t line, uint32_t col16);
ol_region ol_source_region(const ol_source *src, uint32_t start, uint32_t end);
/* The text of a 1-based line without its line ending; caller frees. */
char *ol_source_line_text(const ol_source *src, uint32_t line);
/* The line holding off, without its line ending, cut to at most about max
 * bytes around off on a long line ("…" where cut); *col gets the UTF-16
 * column its first character has on the line (the "…" counted as one
 * unit before it). Caller frees. */
#define OL_EXCERPT_MAX 240  /* bytes of a long line a finding quotes */
#define OL_MESSAGE_MAX 1024 /* bytes of a finding's message */
char *ol_source_line_excerpt(const ol_source *src, uint32_t off, size_t max, uint32_t *col);
/* Byte offset where the line holding off starts. */
uint32_t ol_source_line_start(const ol_source *src, uint32_t off);

/* The first line of s[0..n), at most max bytes, with "..." when cut; caller frees. */
char *ol_text_brief(const char *s, size_t n, size_t max);

/* s as text safe to show anywhere: every control character (C0, DEL, C1: a
 * terminal obeys them) but those in keep (NULL: TAB), and every byte that is
 * not UTF-8, becomes U+FFFD; at most max bytes of s are kept, "..." marking
 * a cut (max 0: no cap). NULL stays "". Caller frees. */
char *ol_text_printable(const char *s, size_t max, const char *keep);

/* Length of the line break at s (avail bytes): 2 for \r\n, 1 for \n or a
 * lone \r, 0 for none. Every line split ormlint makes goes through it,
 * so a file's lines are the parser's lines whatever its line endings. */
static inline size_t ol_line_break(const char *s, size_t avail) {
  if (!avail || (s[0] != '\n' && s[0] != '\r'))
    return 0;
  return s[0] == '\r' && avail > 1 && s[1] == '\n' ? 2 : 1;
}
/* Bytes of s before its first line break (or its end). */
size_t ol_line_length(const char *s, size_t avail);

/* Length of the UTF-8 sequence at s (1..4), or 0 when invalid. */
int ol_utf8_len(const unsigned char *s, size_t avail);

#endif
