/* Errors are values: a function that can fail returns ol_status and fills an
 * ol_error the caller owns; the caller decides whether to report and go on. */
#ifndef OL_STATUS_H
#define OL_STATUS_H

#include <stdint.h>

typedef enum {
  OL_OK = 0,
  OL_ERR_IO,      /* missing, unreadable, unwritable */
  OL_ERR_SKIP,    /* not analysed: binary, too large, not a regular file */
  OL_ERR_USAGE,   /* bad option or configuration */
  OL_ERR_CHANGED, /* a file changed between read and write */
  OL_ERR_PARSE,   /* a fix would add a syntax error */
} ol_status;

typedef struct {
  char path[1024]; /* the file concerned, or "" */
  uint32_t line;   /* 1-based, 0 when not about a line */
  char message[512];
} ol_error;

void ol_error_set(ol_error *e, const char *path, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
