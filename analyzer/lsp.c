/* `ormlint lsp`: the Language Server Protocol over stdio (JSON-RPC 2.0 with
 * Content-Length framing). The project is indexed once from the workspace
 * root; an open document's text overrides its file, is edited
 * incrementally (tree-sitter's edit API) and re-analysed on every change.
 * Diagnostics carry the rule code, its documentation link and the related
 * places; code actions are the findings' fixes, a noqa, and fix-all; hover
 * shows the rule's doc. Nothing but protocol messages goes to stdout; a
 * malformed message is answered with an error or dropped, never a crash. */
#include "lsp.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discover.h"
#include "engine_internal.h"
#include "jinja.h"
#include "suppress.h"
#include "writer.h"

#define MAX_MESSAGE (64u << 20)
#define MAX_HEADER 8192

typedef struct {
  char *uri;
  char *path; /* absolute */
  int unit;
  int version;
  TSTree *tree;
  ol_report report; /* the findings last published */
  bool fixes_built; /* report's findings carry their fixes */
  ol_source held;   /* the text, when over max-file-size: kept for the edits, never analysed */
  int opens;        /* didOpen under any spelling of its URI, less didClose */
} lsp_doc;

typedef struct {
  FILE *in, *out;
  ol_config *cfg;
  ol_lsp_settings settings;
  void *settings_ud;
  const ol_fs *fs;
  char *root;
  ol_engine *engine;
  OL_VEC(lsp_doc) docs;
  bool initialized, shutdown, on_save;
  double last_analysis_ms;
} lsp;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- transport -------------------------------------------------------------- */

/* One message's body, or NULL at end of input (*eof) or for a message that
 * had to be dropped (bad header, too large). */
static char *read_message(lsp *s, size_t *len, bool *eof) {
  char line[MAX_HEADER];
  long length = -1;
  *eof = false;
  for (;;) {
    if (!fgets(line, sizeof line, s->in)) {
      *eof = true;
      return NULL;
    }
    size_t n = strlen(line);
    if (n && line[n - 1] != '\n' && !feof(s->in)) { /* an overlong header line: skip it */
      int c;
      while ((c = fgetc(s->in)) != EOF && c != '\n')
        ;
      continue;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (!n) {
      if (length >= 0)
        break;
      continue; /* blank lines before a header */
    }
    if (!strncasecmp(line, "Content-Length:", 15)) {
      char *end;
      long v = strtol(line + 15, &end, 10);
      while (*end == ' ')
        end++;
      length = (*end || v < 0) ? -2 : v;
    }
  }
  if (length < 0) {
    fprintf(stderr, "ormlint lsp: dropped a message with a bad Content-Length\n");
    return NULL;
  }
  if ((unsigned long)length > MAX_MESSAGE) {
    fprintf(stderr, "ormlint lsp: dropped a message of %ld bytes (over %u)\n", length, MAX_MESSAGE);
    char buf[65536];
    for (long left = length; left > 0;) {
      size_t got = fread(buf, 1, left > (long)sizeof buf ? sizeof buf : (size_t)left, s->in);
      if (!got) {
        *eof = true;
        return NULL;
      }
      left -= (long)got;
    }
    return NULL;
  }
  char *body = ol_malloc((size_t)length + 1);
  size_t got = fread(body, 1, (size_t)length, s->in);
  body[got] = '\0';
  if (got < (size_t)length) {
    ol_free(body);
    *eof = true;
    return NULL;
  }
  *len = got;
  return body;
}

/* cJSON copies string bytes as they are; a message quoting a file that is
 * not UTF-8 would be invalid JSON text to a strict client. Such bytes can
 * only be inside strings (cJSON writes nothing else above 0x7F), where
 * they become U+FFFD, as the CLI's JSON writers do. */
static char *valid_utf8(const char *text) {
  ol_buf b = {0};
  size_t n = strlen(text);
  for (size_t i = 0; i < n;) {
    int len = ol_utf8_len((const unsigned char *)text + i, n - i);
    if (len)
      ol_buf_add(&b, text + i, (size_t)len);
    else
      ol_buf_puts(&b, "\\ufffd");
    i += len ? (size_t)len : 1;
  }
  return ol_buf_take(&b);
}

static void send(lsp *s, cJSON *msg) {
  cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
  char *raw = cJSON_PrintUnformatted(msg);
  cJSON_Delete(msg);
  if (!raw)
    return;
  char *text = valid_utf8(raw);
  cJSON_free(raw);
  fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
  fflush(s->out);
  ol_free(text);
}

static void respond(lsp *s, const cJSON *id, cJSON *result) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
  cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
  send(s, m);
}

static void respond_error(lsp *s, const cJSON *id, int code, const char *message) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
  cJSON *e = cJSON_AddObjectToObject(m, "error");
  cJSON_AddNumberToObject(e, "code", code);
  cJSON_AddStringToObject(e, "message", message);
  send(s, m);
}

static void show_message(lsp *s, int type, const char *text) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddStringToObject(m, "method", "window/showMessage");
  cJSON *p = cJSON_AddObjectToObject(m, "params");
  cJSON_AddNumberToObject(p, "type", type);
  cJSON_AddStringToObject(p, "message", text);
  send(s, m);
}

/* ---- URIs and positions ------------------------------------------------------- */

/* file:///a%20b/c.py -> /a b/c.py, normalised (no "." or ".." parts, no
 * doubled slashes), so every spelling of one file's URI is one document;
 * NULL for another scheme, another host, or a NUL. Caller frees. */
static char *uri_path(const char *uri) {
  if (!uri || strncmp(uri, "file://", 7) != 0)
    return NULL;
  const char *p = uri + 7;
  if (*p != '/') { /* file://host/path: only localhost */
    if (strncmp(p, "localhost/", 10) != 0)
      return NULL;
    p += 9;
  }
  ol_buf b = {0};
  bool nul = false;
  for (; *p; p++) {
    if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
      char hex[3] = {p[1], p[2], 0};
      char c = (char)strtol(hex, NULL, 16);
      nul |= c == '\0';
      ol_buf_putc(&b, c);
      p += 2;
    } else {
      ol_buf_putc(&b, *p);
    }
  }
  char *raw = ol_buf_take(&b);
  char *path = nul ? NULL : ol_path_absolute(raw);
  ol_free(raw);
  return path;
}

/* A number clamped to int (a cast of 1e30 or NaN is undefined behaviour). */
static int json_int(const cJSON *o, const char *key, int fallback) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsNumber(v) || v->valuedouble != v->valuedouble)
    return fallback;
  return v->valuedouble >= INT_MAX   ? INT_MAX
         : v->valuedouble <= INT_MIN ? INT_MIN
                                     : (int)v->valuedouble;
}

static const char *json_str(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *json_obj(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsObject(v) ? v : NULL;
}

/* A byte offset of src from an LSP position (0-based line, UTF-16 column), clamped. */
static uint32_t offset_of(const ol_source *src, const cJSON *pos) {
  int line = json_int(pos, "line", 0), ch = json_int(pos, "character", 0);
  if (line < 0)
    return 0;
  if ((uint32_t)line >= src->n_lines)
    return src->len;
  return ol_source_offset(src, (uint32_t)line + 1, ch < 0 ? 1 : (uint32_t)ch + 1);
}

static cJSON *position(uint32_t line, uint32_t col) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddNumberToObject(p, "line", line ? line - 1 : 0);
  cJSON_AddNumberToObject(p, "character", col ? col - 1 : 0);
  return p;
}

static cJSON *range_of(const ol_region *r) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "start", position(r->line, r->col));
  cJSON_AddItemToObject(o, "end", position(r->end_line, r->end_col));
  return o;
}

static char *uri_of(lsp *s, const char *rel) {
  char *abs = ol_format("%s/%s", s->engine->root, rel);
  char *uri = ol_writer_file_uri(abs, false);
  ol_free(abs);
  return uri;
}

/* ---- documents ------------------------------------------------------------------ */

/* The open document of a file, whichever spelling of its URI names it
 * (file:///p, file://localhost/p, %-encoded letters): two documents of one
 * file would share one unit, and closing one would free the other's tree. */
static lsp_doc *doc_at(lsp *s, const char *path) {
  for (size_t i = 0; path && i < s->docs.len; i++)
    if (!strcmp(s->docs.items[i].path, path))
      return &s->docs.items[i];
  return NULL;
}

/* The document params name; diagnostics go to the spelling used last. */
static lsp_doc *doc_of(lsp *s, const cJSON *params) {
  const char *uri = json_str(json_obj(params, "textDocument"), "uri");
  char *path = uri_path(uri);
  lsp_doc *d = doc_at(s, path);
  ol_free(path);
  if (d && strcmp(d->uri, uri) != 0) {
    ol_free(d->uri);
    d->uri = ol_strdup(uri);
  }
  return d;
}

static cJSON *diagnostic(lsp *s, const ol_finding *f) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddItemToObject(d, "range", range_of(&f->region));
  cJSON_AddNumberToObject(d, "severity",
                          f->rule->level == OL_LEVEL_ERROR     ? 1
                          : f->rule->level == OL_LEVEL_WARNING ? 2
                                                               : 3);
  cJSON_AddStringToObject(d, "code", f->rule->code);
  char *href = ol_writer_rule_help_uri(f->rule);
  cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "codeDescription"), "href", href);
  ol_free(href);
  cJSON_AddStringToObject(d, "source", "ormlint");
  cJSON_AddStringToObject(d, "message", f->message);
  cJSON *rel = cJSON_AddArrayToObject(d, "relatedInformation");
  for (int pass = 0; pass < 2; pass++) {
    const ol_location *locs = pass ? f->flow : f->related;
    size_t n = pass ? f->n_flow : f->n_related;
    for (size_t i = 0; i < n; i++) {
      cJSON *ri = cJSON_CreateObject();
      cJSON *loc = cJSON_AddObjectToObject(ri, "location");
      char *uri = uri_of(s, locs[i].path);
      cJSON_AddStringToObject(loc, "uri", uri);
      ol_free(uri);
      cJSON_AddItemToObject(loc, "range", range_of(&locs[i].region));
      cJSON_AddStringToObject(ri, "message", locs[i].message ? locs[i].message : "");
      cJSON_AddItemToArray(rel, ri);
    }
  }
  return d;
}

static void publish(lsp *s, lsp_doc *d) {
  cJSON *m = cJSON_CreateObject();
  cJSON_AddStringToObject(m, "method", "textDocument/publishDiagnostics");
  cJSON *p = cJSON_AddObjectToObject(m, "params");
  cJSON_AddStringToObject(p, "uri", d->uri);
  if (d->version >= 0)
    cJSON_AddNumberToObject(p, "version", d->version);
  cJSON *list = cJSON_AddArrayToObject(p, "diagnostics");
  for (size_t i = 0; i < d->report.n_findings; i++)
    cJSON_AddItemToArray(list, diagnostic(s, &d->report.findings[i]));
  send(s, m);
}

/* Diagnostics as one types carry no fixes: building and proving each fix
 * costs more than finding it. A code action asks for them. */
static void analyse(lsp *s, lsp_doc *d) {
  ol_report_free(&d->report);
  ol_engine_set_lazy_fixes(s->engine, true);
  ol_engine_check_one(s->engine, d->unit, &d->report);
  d->fixes_built = false;
}

static void build_fixes(lsp *s, lsp_doc *d) {
  if (d->fixes_built)
    return;
  ol_report_free(&d->report);
  ol_engine_set_lazy_fixes(s->engine, false);
  ol_engine_check_one(s->engine, d->unit, &d->report);
  d->fixes_built = true;
}

/* After any change: the index again (a change may add a model or a helper
 * that other documents use), then every open document. */
static void refresh_all(lsp *s) {
  double t0 = now_ms();
  ol_engine_reindex(s->engine);
  for (size_t i = 0; i < s->docs.len; i++)
    analyse(s, &s->docs.items[i]);
  s->last_analysis_ms = now_ms() - t0;
  for (size_t i = 0; i < s->docs.len; i++)
    publish(s, &s->docs.items[i]);
}

static void set_text(lsp *s, lsp_doc *d, const char *text, size_t len, const TSTree *old) {
  TSTree *tree = ol_engine_set_text(s->engine, d->unit, text, (uint32_t)len, old);
  if (d->tree)
    ts_tree_delete(d->tree);
  d->tree = tree;
}

static bool is_held(const lsp_doc *d) { return d->held.bytes != NULL; }

/* A document over max-file-size is held, as the CLI skips such a file: its
 * text follows the edits, nothing parses or analyses it (a 50 MB buffer
 * would cost gigabytes and seconds per keystroke), and the unit is empty.
 * Takes bytes (ol_malloc'd, NUL-terminated). */
static void hold(lsp *s, lsp_doc *d, char *bytes, size_t len) {
  if (!is_held(d)) {
    char size[32], max[32];
    char *m = ol_format("ormlint: %s is not analysed: %s, larger than max-file-size (%s)", d->path,
                        ol_size_text(len, size, sizeof size),
                        ol_size_text(s->cfg->max_file_size, max, sizeof max));
    show_message(s, 2, m);
    ol_free(m);
    set_text(s, d, "", 0, NULL);
  }
  ol_source_free(&d->held);
  ol_source_init(&d->held, bytes, (uint32_t)len);
}

/* The document's new text: held, or parsed (incrementally when old is the
 * edited tree). Takes bytes. */
static void take_text(lsp *s, lsp_doc *d, char *bytes, size_t len, const TSTree *old) {
  if (len > s->cfg->max_file_size) {
    hold(s, d, bytes, len);
    return;
  }
  if (is_held(d)) {
    ol_source_free(&d->held);
    old = NULL;
  }
  set_text(s, d, bytes, len, old);
  ol_free(bytes);
}

static void did_open(lsp *s, const cJSON *params) {
  const cJSON *td = json_obj(params, "textDocument");
  const char *uri = json_str(td, "uri"), *text = json_str(td, "text");
  char *path = uri_path(uri);
  if (!path || !text) {
    ol_free(path);
    return;
  }
  lsp_doc *d = doc_of(s, params);
  if (!d) {
    lsp_doc nd = {.uri = ol_strdup(uri), .path = path, .version = json_int(td, "version", -1)};
    nd.unit = ol_engine_unit_of(s->engine, path, true);
    ol_vec_push(&s->docs, nd);
    d = &s->docs.items[s->docs.len - 1];
  } else {
    ol_free(path);
  }
  d->opens++;
  take_text(s, d, ol_strdup(text), strlen(text), NULL);
  refresh_all(s);
}

/* The tree-sitter edit replacing [a, b) of src by text (n bytes). */
static TSInputEdit edit_of(const ol_source *src, uint32_t a, uint32_t b, const char *text,
                           size_t n) {
  uint32_t la = ol_source_line(src, a), lb = ol_source_line(src, b);
  TSInputEdit e = {.start_byte = a,
                   .old_end_byte = b,
                   .new_end_byte = a + (uint32_t)n,
                   .start_point = {la - 1, a - src->line_starts[la - 1]},
                   .old_end_point = {lb - 1, b - src->line_starts[lb - 1]}};
  uint32_t rows = 0, col = e.start_point.column;
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n'))
      rows++, col = 0;
    else if (text[i] != '\r')
      col++;
  }
  e.new_end_point = (TSPoint){e.start_point.row + rows, col};
  return e;
}

/* Applies one contentChanges entry to the document's text: a range edit (the
 * tree learns it through ts_tree_edit) or the whole text. */
static void apply_change(lsp *s, lsp_doc *d, const cJSON *change) {
  const char *text = json_str(change, "text");
  const cJSON *range = json_obj(change, "range");
  if (!text)
    return;
  size_t n = strlen(text);
  if (!range) { /* a template has no tree: its range edits apply to the text alike */
    take_text(s, d, ol_strndup(text, n), n, NULL);
    return;
  }
  const ol_source *src = is_held(d) ? &d->held : &s->engine->units.items[d->unit].src;
  uint32_t a = offset_of(src, json_obj(range, "start")), b = offset_of(src, json_obj(range, "end"));
  if (b < a) {
    uint32_t t = a;
    a = b, b = t;
  }
  if ((size_t)src->len - (b - a) + n > (size_t)INT32_MAX)
    return; /* no document grows past 2 GiB: positions are 32-bit */
  ol_buf next = {0};
  ol_buf_add(&next, src->bytes, a);
  ol_buf_add(&next, text, n);
  ol_buf_add(&next, src->bytes + b, src->len - b);
  size_t len = next.len;
  if (!is_held(d) && len <= s->cfg->max_file_size && d->tree) {
    TSInputEdit e = edit_of(src, a, b, text, n);
    ts_tree_edit(d->tree, &e);
  }
  take_text(s, d, ol_buf_take(&next), len, d->tree);
}

static void did_change(lsp *s, const cJSON *params) {
  lsp_doc *d = doc_of(s, params);
  const cJSON *changes = cJSON_GetObjectItemCaseSensitive(params, "contentChanges");
  if (!d || !cJSON_IsArray(changes))
    return;
  d->version = json_int(json_obj(params, "textDocument"), "version", d->version);
  double t0 = now_ms();
  const cJSON *c;
  cJSON_ArrayForEach(c, changes) apply_change(s, d, c);
  double parsed = now_ms() - t0;
  if (!s->on_save) {
    refresh_all(s);
    s->last_analysis_ms += parsed; /* the edit, the incremental parse and the facts too */
  } else { /* the index follows the text (it points at its facts); findings wait for save */
    ol_engine_reindex(s->engine);
    ol_report_free(&d->report);
    d->fixes_built = false;
  }
}

static void did_close(lsp *s, const cJSON *params) {
  lsp_doc *d = doc_of(s, params);
  if (!d)
    return;
  ol_report saved = d->report;
  d->report = (ol_report){0};
  publish(s, d);        /* no findings under this spelling: the editor clears them */
  if (--d->opens > 0) { /* still open under another spelling */
    d->report = saved;
    return;
  }
  ol_report_free(&saved);
  ol_engine_reload(s->engine, d->unit); /* back to the file on disk */
  if (d->tree)
    ts_tree_delete(d->tree);
  ol_source_free(&d->held);
  ol_free(d->uri);
  ol_free(d->path);
  *d = s->docs.items[--s->docs.len];
  refresh_all(s);
}

/* A pyproject.toml changed: the settings again, then the whole workspace
 * (exclude may change which files are in it), open documents kept. */
static void reload_settings(lsp *s) {
  ol_config fresh = {0};
  ol_error err = {0};
  if (!s->settings || s->settings(s->settings_ud, s->root, &fresh, &err) != OL_OK ||
      ol_config_compile(&fresh, &err) != OL_OK) {
    if (s->settings) {
      char *m = ol_format("ormlint: settings kept as they were: %s", err.message);
      show_message(s, 1, m);
      ol_free(m);
    }
    ol_config_free(&fresh);
    return;
  }
  /* The open documents' text, to put back into the new workspace. */
  OL_VEC(char *) texts = {0};
  OL_VEC(uint32_t) lens = {0};
  for (size_t i = 0; i < s->docs.len; i++) {
    const ol_source *src = is_held(&s->docs.items[i])
                               ? &s->docs.items[i].held
                               : &s->engine->units.items[s->docs.items[i].unit].src;
    ol_vec_push(&texts, ol_strndup(src->bytes, src->len));
    ol_vec_push(&lens, src->len);
    if (s->docs.items[i].tree)
      ts_tree_delete(s->docs.items[i].tree);
    s->docs.items[i].tree = NULL;
    ol_report_free(&s->docs.items[i].report);
  }
  ol_engine_free(s->engine);
  ol_config_free(s->cfg);
  *s->cfg = fresh;
  s->engine = ol_engine_new(s->cfg, s->fs);
  ol_engine_open(s->engine, s->root);
  for (size_t i = 0; i < s->docs.len; i++) {
    lsp_doc *d = &s->docs.items[i];
    d->unit = ol_engine_unit_of(s->engine, d->path, true);
    ol_source_free(&d->held); /* the new settings decide again */
    take_text(s, d, texts.items[i], lens.items[i], NULL);
  }
  ol_vec_free(&texts);
  ol_vec_free(&lens);
  refresh_all(s);
}

static void did_change_watched(lsp *s, const cJSON *params) {
  const cJSON *c, *changes = cJSON_GetObjectItemCaseSensitive(params, "changes");
  bool any = false;
  cJSON_ArrayForEach(c, changes) {
    char *path = uri_path(json_str(c, "uri"));
    size_t n = path ? strlen(path) : 0;
    if (path && n >= 14 && !strcmp(path + n - 14, "pyproject.toml")) {
      ol_free(path);
      reload_settings(s);
      return; /* every file read again */
    }
    if (path && !doc_at(s, path) &&
        ((n > 3 && !strcmp(path + n - 3, ".py")) || ol_jinja_has_template_ext(path))) {
      int u = ol_engine_unit_of(s->engine, path, json_int(c, "type", 2) != 3);
      if (u >= 0) {
        ol_engine_reload(s->engine, u);
        any = true;
      }
    }
    ol_free(path);
  }
  if (any)
    refresh_all(s);
}

/* ---- code actions and hover ------------------------------------------------------ */

static bool overlaps(const ol_region *r, const ol_source *src, uint32_t a, uint32_t b) {
  uint32_t s0 = ol_source_offset(src, r->line, r->col),
           e0 = ol_source_offset(src, r->end_line, r->end_col);
  return s0 <= b && a <= e0;
}

static cJSON *text_edit(const ol_region *deleted, const char *text) {
  cJSON *e = cJSON_CreateObject();
  cJSON_AddItemToObject(e, "range", range_of(deleted));
  cJSON_AddStringToObject(e, "newText", text);
  return e;
}

/* A workspace edit with one fix's edits (its own file or the one it names). */
static void add_fix_edits(lsp *s, cJSON *changes, const char *doc_uri, const ol_fix *fix) {
  char *other = fix->path ? uri_of(s, fix->path) : NULL;
  const char *uri = other ? other : doc_uri;
  cJSON *list = cJSON_GetObjectItemCaseSensitive(changes, uri);
  if (!list)
    list = cJSON_AddArrayToObject(changes, uri);
  for (size_t i = 0; i < fix->n_edits; i++)
    cJSON_AddItemToArray(list, text_edit(&fix->edits[i].deleted, fix->edits[i].inserted));
  ol_free(other);
}

static bool wants(const cJSON *only, const char *kind) {
  if (!cJSON_IsArray(only))
    return true;
  const cJSON *k;
  cJSON_ArrayForEach(k, only) {
    if (cJSON_IsString(k) && !strncmp(kind, k->valuestring, strlen(k->valuestring)))
      return true;
  }
  return false;
}

static void code_action(lsp *s, const cJSON *id, const cJSON *params) {
  lsp_doc *d = doc_of(s, params);
  if (!d) {
    respond(s, id, cJSON_CreateNull());
    return;
  }
  build_fixes(s, d);
  const ol_source *src = &s->engine->units.items[d->unit].src;
  const cJSON *range = json_obj(params, "range");
  uint32_t a = offset_of(src, json_obj(range, "start")), b = offset_of(src, json_obj(range, "end"));
  const cJSON *only = cJSON_GetObjectItemCaseSensitive(json_obj(params, "context"), "only");
  cJSON *actions = cJSON_CreateArray();
  for (size_t i = 0; i < d->report.n_findings && wants(only, "quickfix"); i++) {
    const ol_finding *f = &d->report.findings[i];
    if (!overlaps(&f->region, src, a, b))
      continue;
    if (f->fix) {
      cJSON *act = cJSON_CreateObject();
      cJSON_AddStringToObject(act, "title", f->fix->description);
      cJSON_AddStringToObject(act, "kind", "quickfix");
      cJSON_AddBoolToObject(act, "isPreferred", f->fix->applicability == OL_FIX_SAFE);
      cJSON_AddItemToArray(cJSON_AddArrayToObject(act, "diagnostics"), diagnostic(s, f));
      add_fix_edits(s, cJSON_AddObjectToObject(cJSON_AddObjectToObject(act, "edit"), "changes"),
                    d->uri, f->fix);
      cJSON_AddItemToArray(actions, act);
    }
    /* Suppress with # noqa: the finding's first line, with its code added. */
    uint32_t ls = src->line_starts[f->region.line - 1], le = ls;
    while (le < src->len && src->bytes[le] != '\n' && src->bytes[le] != '\r')
      le++;
    char *line = (ol_jinja_has_template_ext(d->path)
                      ? ol_noqa_add_to_template_line
                      : ol_noqa_add_to_line)(src->bytes + ls, le - ls, f->rule->code);
    if (line) {
      cJSON *act = cJSON_CreateObject();
      char *title = ol_format("Suppress %s with # noqa", f->rule->code);
      cJSON_AddStringToObject(act, "title", title);
      ol_free(title);
      cJSON_AddStringToObject(act, "kind", "quickfix");
      cJSON_AddItemToArray(cJSON_AddArrayToObject(act, "diagnostics"), diagnostic(s, f));
      ol_region whole = ol_source_region(src, ls, le);
      cJSON *changes = cJSON_AddObjectToObject(cJSON_AddObjectToObject(act, "edit"), "changes");
      cJSON_AddItemToArray(cJSON_AddArrayToObject(changes, d->uri), text_edit(&whole, line));
      cJSON_AddItemToArray(actions, act);
      ol_free(line);
    }
  }
  if (cJSON_IsArray(only) && wants(only, "source.fixAll.ormlint")) {
    /* Every safe fix of this document whose edits do not overlap another's. */
    cJSON *act = cJSON_CreateObject();
    cJSON_AddStringToObject(act, "title", "ormlint: fix all safe fixes");
    cJSON_AddStringToObject(act, "kind", "source.fixAll.ormlint");
    cJSON *changes = cJSON_AddObjectToObject(cJSON_AddObjectToObject(act, "edit"), "changes");
    OL_VEC(const ol_fix *) chosen = {0};
    for (size_t i = 0; i < d->report.n_findings; i++) {
      const ol_fix *f = d->report.findings[i].fix;
      if (!f || f->applicability != OL_FIX_SAFE || f->path)
        continue;
      bool clash = false;
      for (size_t j = 0; j < chosen.len && !clash; j++)
        clash = f->block_offset < chosen.items[j]->block_offset + chosen.items[j]->block_length &&
                chosen.items[j]->block_offset < f->block_offset + f->block_length;
      if (clash)
        continue;
      ol_vec_push(&chosen, f);
      add_fix_edits(s, changes, d->uri, f);
    }
    if (chosen.len)
      cJSON_AddItemToArray(actions, act);
    else
      cJSON_Delete(act);
    ol_vec_free(&chosen);
  }
  respond(s, id, actions);
}

/* A message as Markdown that renders as the plain text it is: it quotes the
 * analysed code, whose `[x](url)`, `![]()` or HTML would otherwise render as
 * links, images and markup (CommonMark escapes any ASCII punctuation). */
static char *markdown_text(const char *message) {
  char *safe = ol_text_printable(message, 0, NULL);
  ol_buf b = {0};
  for (const char *c = safe; *c; c++) {
    if (ispunct((unsigned char)*c))
      ol_buf_putc(&b, '\\');
    ol_buf_putc(&b, *c);
  }
  ol_free(safe);
  return ol_buf_take(&b);
}

static void hover(lsp *s, const cJSON *id, const cJSON *params) {
  lsp_doc *d = doc_of(s, params);
  if (!d) {
    respond(s, id, cJSON_CreateNull());
    return;
  }
  const ol_source *src = &s->engine->units.items[d->unit].src;
  uint32_t at = offset_of(src, json_obj(params, "position"));
  for (size_t i = 0; i < d->report.n_findings; i++) {
    const ol_finding *f = &d->report.findings[i];
    if (!overlaps(&f->region, src, at, at))
      continue;
    cJSON *h = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(h, "contents");
    cJSON_AddStringToObject(c, "kind", "markdown");
    char *message = markdown_text(f->message);
    char *text = ol_format("**%s** %s\n\n---\n\n%s", f->rule->code, message, f->rule->doc_md);
    cJSON_AddStringToObject(c, "value", text);
    ol_free(text);
    ol_free(message);
    cJSON_AddItemToObject(h, "range", range_of(&f->region));
    respond(s, id, h);
    return;
  }
  respond(s, id, cJSON_CreateNull());
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void initialize(lsp *s, const cJSON *id, const cJSON *params) {
  char *root = uri_path(json_str(params, "rootUri"));
  if (!root && json_str(params, "rootPath"))
    root = ol_strdup(json_str(params, "rootPath"));
  const cJSON *folders = cJSON_GetObjectItemCaseSensitive(params, "workspaceFolders");
  if (!root && cJSON_IsArray(folders))
    root = uri_path(json_str(cJSON_GetArrayItem(folders, 0), "uri"));
  const char *run = json_str(json_obj(params, "initializationOptions"), "run");
  s->on_save = run && !strcmp(run, "onSave");
  s->root = ol_path_absolute(root ? root : ".");
  ol_engine_open(s->engine, s->root);
  ol_free(root);
  s->initialized = true;
  cJSON *r = cJSON_CreateObject();
  cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
  cJSON_AddStringToObject(caps, "positionEncoding", "utf-16");
  cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
  cJSON_AddBoolToObject(sync, "openClose", true);
  cJSON_AddNumberToObject(sync, "change", 2); /* incremental */
  cJSON_AddBoolToObject(cJSON_AddObjectToObject(sync, "save"), "includeText", false);
  cJSON *ca = cJSON_AddObjectToObject(caps, "codeActionProvider");
  cJSON *kinds = cJSON_AddArrayToObject(ca, "codeActionKinds");
  cJSON_AddItemToArray(kinds, cJSON_CreateString("quickfix"));
  cJSON_AddItemToArray(kinds, cJSON_CreateString("source.fixAll.ormlint"));
  cJSON_AddBoolToObject(caps, "hoverProvider", true);
  cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
  cJSON_AddStringToObject(info, "name", "ormlint");
  cJSON_AddStringToObject(info, "version", OL_VERSION);
  respond(s, id, r);
}

/* One message; returns false when the server should exit. */
static bool dispatch(lsp *s, const char *body, size_t len, int *exit_code) {
  cJSON *msg = cJSON_ParseWithLength(body, len);
  if (!cJSON_IsObject(msg)) {
    respond_error(s, NULL, -32700, "parse error: the body is not a JSON object");
    cJSON_Delete(msg);
    return true;
  }
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
  if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id))
    id = NULL;
  const char *method = json_str(msg, "method");
  const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
  bool request = id != NULL;
  bool go_on = true;
  if (!method) {
    if (request) /* a response to us (we send no requests) or garbage */
      respond_error(s, id, -32600, "invalid request: no method");
  } else if (!strcmp(method, "exit")) {
    *exit_code = s->shutdown ? 0 : 1;
    go_on = false;
  } else if (!s->initialized && strcmp(method, "initialize") != 0) {
    if (request)
      respond_error(s, id, -32002, "the server is not initialized");
  } else if (s->shutdown) {
    if (request)
      respond_error(s, id, -32600, "the server is shutting down");
  } else if (!strcmp(method, "initialize")) {
    if (s->initialized)
      respond_error(s, id, -32600, "already initialized");
    else
      initialize(s, id, params);
  } else if (!strcmp(method, "shutdown")) {
    s->shutdown = true;
    respond(s, id, NULL);
  } else if (!strcmp(method, "textDocument/didOpen")) {
    did_open(s, params);
  } else if (!strcmp(method, "textDocument/didChange")) {
    did_change(s, params);
  } else if (!strcmp(method, "textDocument/didSave")) {
    if (s->on_save)
      refresh_all(s);
  } else if (!strcmp(method, "textDocument/didClose")) {
    did_close(s, params);
  } else if (!strcmp(method, "workspace/didChangeWatchedFiles")) {
    did_change_watched(s, params);
  } else if (!strcmp(method, "workspace/didChangeConfiguration")) {
    refresh_all(s);
  } else if (!strcmp(method, "textDocument/codeAction")) {
    code_action(s, id, params);
  } else if (!strcmp(method, "textDocument/hover")) {
    hover(s, id, params);
  } else if (!strcmp(method, "ormlint/timing")) { /* for make bench */
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "analysisMs", s->last_analysis_ms);
    respond(s, id, r);
  } else if (request) {
    char *m = ol_format("method not found: %s", method);
    respond_error(s, id, -32601, m);
    ol_free(m);
  } /* unknown notifications ($/cancelRequest, initialized, ...) need nothing */
  cJSON_Delete(msg);
  return go_on;
}

int ol_lsp_run(ol_config *cfg, ol_lsp_settings settings, void *ud, const ol_fs *fs, FILE *in,
               FILE *out) {
  lsp s = {.in = in, .out = out, .cfg = cfg, .settings = settings, .settings_ud = ud, .fs = fs};
  s.engine = ol_engine_new(cfg, fs);
  int exit_code = 1;
  for (;;) {
    size_t len = 0;
    bool eof;
    char *body = read_message(&s, &len, &eof);
    if (eof) {
      ol_free(body);
      break;
    }
    if (!body)
      continue;
    bool go_on = dispatch(&s, body, len, &exit_code);
    ol_free(body);
    if (!go_on)
      break;
  }
  for (size_t i = 0; i < s.docs.len; i++) {
    ol_report_free(&s.docs.items[i].report);
    if (s.docs.items[i].tree)
      ts_tree_delete(s.docs.items[i].tree);
    ol_source_free(&s.docs.items[i].held);
    ol_free(s.docs.items[i].uri);
    ol_free(s.docs.items[i].path);
  }
  ol_vec_free(&s.docs);
  ol_engine_free(s.engine);
  ol_free(s.root);
  return exit_code;
}
