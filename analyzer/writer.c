/* The writer table, and the one helper the JSON-based writers share: a
 * printer for cJSON trees in the common two-space layout (cJSON's own
 * pretty-printer indents with tabs and folds "[{" onto one line). */
#include "writer.h"

#include "source.h"

#include <cjson/cJSON.h>
#include <string.h>

static const ol_writer *const writers[] = {
    &ol_writer_text,
    &ol_writer_sarif,
    &ol_writer_json,
    &ol_writer_github,
};

const char *ol_note_level_name(ol_note_level level) {
  switch (level) {
  case OL_NOTE_ERROR:
    return "error";
  case OL_NOTE_INFO:
    return "note";
  default:
    return "warning";
  }
}

const ol_writer *ol_writer_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < sizeof writers / sizeof *writers; i++)
    if (strcmp(writers[i]->name, name) == 0)
      return writers[i];
  return NULL;
}

static const char *escape_of(unsigned char c) {
  switch (c) {
  case '"':
    return "\\\"";
  case '\\':
    return "\\\\";
  case '\n':
    return "\\n";
  case '\r':
    return "\\r";
  case '\t':
    return "\\t";
  default:
    return NULL;
  }
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD, so the output is
 * always valid JSON even when a message quotes a badly encoded file. */
static void put_string(FILE *out, const char *str) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str);
  putc('"', out);
  for (size_t i = 0; i < n;) {
    const char *esc = escape_of(s[i]);
    size_t len = (size_t)ol_utf8_len(s + i, n - i);
    if (esc)
      fputs(esc, out);
    else if (s[i] < 0x20)
      fprintf(out, "\\u%04x", s[i]);
    else if (len == 0)
      fputs("\\ufffd", out);
    else
      fwrite(s + i, 1, len, out);
    i += len ? len : 1;
  }
  putc('"', out);
}

/* Integers (every number ormlint writes) without a fraction or exponent. */
static void put_number(FILE *out, double v) {
  if (v > -9007199254740992.0 && v < 9007199254740992.0 && v == (double)(long long)v)
    fprintf(out, "%lld", (long long)v);
  else
    fprintf(out, "%.17g", v);
}

static void put_indent(FILE *out, int depth) { fprintf(out, "\n%*s", 2 * depth, ""); }

/* Recursive, but over ormlint's own output, which is at most a dozen levels deep. */
static void put_value(FILE *out, const cJSON *item, int depth) {
  if (cJSON_IsString(item)) {
    put_string(out, item->valuestring);
    return;
  }
  if (cJSON_IsNumber(item)) {
    put_number(out, item->valuedouble);
    return;
  }
  if (!cJSON_IsArray(item) && !cJSON_IsObject(item)) {
    fputs(cJSON_IsTrue(item) ? "true" : cJSON_IsFalse(item) ? "false" : "null", out);
    return;
  }
  bool object = cJSON_IsObject(item);
  putc(object ? '{' : '[', out);
  for (const cJSON *child = item->child; child; child = child->next) {
    put_indent(out, depth + 1);
    if (object) {
      put_string(out, child->string);
      fputs(": ", out);
    }
    put_value(out, child, depth + 1);
    if (child->next)
      putc(',', out);
  }
  if (item->child)
    put_indent(out, depth);
  putc(object ? '}' : ']', out);
}

/* Writes root with two-space indentation (as Python's json.dumps(indent=2)
 * does) and a final newline, and flushes. Returns 0, or -1 with errno set.
 * Declared where it is used (writer_sarif.c, writer_json.c). */
int ol_writer_put_json(FILE *out, const cJSON *root) {
  put_value(out, root, 0);
  putc('\n', out);
  if (fflush(out) == EOF || ferror(out))
    return -1;
  return 0;
}
