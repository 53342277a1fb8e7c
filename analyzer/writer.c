/* The writer table, and the one helper the JSON-based writers share: cJSON
 * pretty-prints with tabs, and ormlint's files use two spaces. */
#include "writer.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

static const ol_writer *const writers[] = {
    &ol_writer_text,
    &ol_writer_sarif,
    &ol_writer_json,
    &ol_writer_github,
};

const ol_writer *ol_writer_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof writers / sizeof *writers; i++)
    if (strcmp(writers[i]->name, name) == 0) return writers[i];
  return NULL;
}

/* cJSON escapes every tab inside a string, so each literal tab in its
 * output is layout: indentation at a line's start, a separator after ':'. */
static int put_reindented(FILE *out, const char *s) {
  bool at_line_start = true;
  for (; *s; s++) {
    if (*s == '\t') {
      if (fputs(at_line_start ? "  " : " ", out) == EOF) return -1;
      continue;
    }
    at_line_start = *s == '\n';
    if (putc(*s, out) == EOF) return -1;
  }
  return 0;
}

/* Writes root pretty-printed with a final newline and flushes. Returns 0, or
 * -1 with errno set. Declared where it is used (writer_sarif.c, writer_json.c). */
int ol_writer_put_json(FILE *out, const cJSON *root) {
  char *text = cJSON_Print(root);
  if (!text) {
    errno = ENOMEM;
    return -1;
  }
  int rc = put_reindented(out, text);
  cJSON_free(text);
  if (rc == 0 && putc('\n', out) == EOF) rc = -1;
  if (fflush(out) == EOF || ferror(out)) rc = -1;
  return rc;
}
