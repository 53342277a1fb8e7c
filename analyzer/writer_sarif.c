/* SARIF 2.1.0 output: one run, every rule in tool.driver.rules, results with
 * locations relative to %SRCROOT%, code flows for call chains and fixes as
 * artifact changes. The output is deterministic (no timestamps) so a golden
 * file can pin it, and validates against the OASIS 2.1.0 schema. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "writer.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_URI "https://github.com/ormlint/ormlint"
#define RULE_DOC_BASE TOOL_URI "/blob/main/rules/"
#define SRCROOT "%SRCROOT%"

static const char *level_name(ol_level level) {
  switch (level) {
  case OL_LEVEL_ERROR:
    return "error";
  case OL_LEVEL_NOTE:
    return "note";
  default:
    return "warning";
  }
}

/* RFC 3986: everything but unreserved characters and '/' is percent-encoded,
 * so a path with spaces or '%' or non-ASCII bytes is still a valid URI. */
static void put_uri_path(ol_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p)) {
      ol_buf_putc(b, (char)*p);
    } else {
      char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      ol_buf_add(b, esc, 3);
    }
  }
}

char *ol_writer_file_uri(const char *abs_path, bool trailing_slash) {
  ol_buf b = {0};
  ol_buf_puts(&b, "file://");
  put_uri_path(&b, abs_path);
  if (trailing_slash && (b.len == 0 || b.s[b.len - 1] != '/'))
    ol_buf_putc(&b, '/');
  return ol_buf_take(&b);
}

static void add_text(cJSON *obj, const char *key, const char *text) {
  cJSON *m = cJSON_AddObjectToObject(obj, key);
  cJSON_AddStringToObject(m, "text", text ? text : "");
}

static cJSON *artifact_location(const char *path) {
  cJSON *o = cJSON_CreateObject();
  if (!path)
    path = "";
  if (path[0] == '/') {
    char *uri = ol_writer_file_uri(path, false);
    cJSON_AddStringToObject(o, "uri", uri);
    ol_free(uri);
    return o;
  }
  ol_buf b = {0};
  put_uri_path(&b, path);
  cJSON_AddStringToObject(o, "uri", b.len ? b.s : ".");
  cJSON_AddStringToObject(o, "uriBaseId", SRCROOT);
  ol_buf_free(&b);
  return o;
}

/* Line/column fields only when they are set: the schema's minimum is 1. */
static cJSON *region_object(const ol_region *r) {
  cJSON *o = cJSON_CreateObject();
  if (r->line) {
    cJSON_AddNumberToObject(o, "startLine", r->line);
    if (r->col)
      cJSON_AddNumberToObject(o, "startColumn", r->col);
    if (r->end_line)
      cJSON_AddNumberToObject(o, "endLine", r->end_line);
    if (r->end_col)
      cJSON_AddNumberToObject(o, "endColumn", r->end_col);
  }
  cJSON_AddNumberToObject(o, "byteOffset", r->byte_offset);
  cJSON_AddNumberToObject(o, "byteLength", r->byte_length);
  return o;
}

static cJSON *physical_location(const char *path, const ol_region *r) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "artifactLocation", artifact_location(path));
  cJSON_AddItemToObject(o, "region", region_object(r));
  return o;
}

static cJSON *location_object(const ol_location *loc) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "physicalLocation", physical_location(loc->path, &loc->region));
  if (loc->message)
    add_text(o, "message", loc->message);
  return o;
}

/* rules/orm001_query_in_loop/doc.md for ORM001 query-in-loop. */
char *ol_writer_rule_help_uri(const ol_rule_meta *rule) {
  ol_buf b = {0};
  ol_buf_puts(&b, RULE_DOC_BASE);
  for (const char *p = rule->code; *p; p++)
    ol_buf_putc(&b, (char)tolower((unsigned char)*p));
  ol_buf_putc(&b, '_');
  for (const char *p = rule->name; *p; p++)
    ol_buf_putc(&b, *p == '-' ? '_' : *p);
  ol_buf_puts(&b, "/doc.md");
  return ol_buf_take(&b);
}

static bool has_string(const cJSON *arr, const char *s) {
  for (const cJSON *item = arr->child; item; item = item->next)
    if (strcmp(item->valuestring, s) == 0)
      return true;
  return false;
}

/* "performance, sqlalchemy" -> ["performance", "sqlalchemy"]; the schema
 * wants the tags unique. */
static cJSON *tag_array(const char *tags) {
  cJSON *arr = cJSON_CreateArray();
  while (tags && *tags) {
    while (*tags == ' ' || *tags == ',')
      tags++;
    size_t n = strcspn(tags, ",");
    size_t len = n;
    while (len && tags[len - 1] == ' ')
      len--;
    if (len) {
      char *tag = ol_strndup(tags, len);
      if (!has_string(arr, tag))
        cJSON_AddItemToArray(arr, cJSON_CreateString(tag));
      ol_free(tag);
    }
    tags += n;
  }
  return arr;
}

static cJSON *rule_object(const ol_rule_meta *rule) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", rule->code);
  cJSON_AddStringToObject(o, "name", rule->name);
  add_text(o, "shortDescription", rule->short_desc);
  add_text(o, "fullDescription", rule->full_desc);
  cJSON *help = cJSON_AddObjectToObject(o, "help");
  cJSON_AddStringToObject(help, "text", rule->doc_md ? rule->doc_md : "");
  cJSON_AddStringToObject(help, "markdown", rule->doc_md ? rule->doc_md : "");
  char *uri = ol_writer_rule_help_uri(rule);
  cJSON_AddStringToObject(o, "helpUri", uri);
  ol_free(uri);
  cJSON *config = cJSON_AddObjectToObject(o, "defaultConfiguration");
  cJSON_AddStringToObject(config, "level", level_name(rule->level));
  cJSON *props = cJSON_AddObjectToObject(o, "properties");
  cJSON_AddItemToObject(props, "tags", tag_array(rule->tags));
  if (rule->precision)
    cJSON_AddStringToObject(props, "precision", rule->precision);
  return o;
}

static cJSON *driver_object(const ol_write_opts *opts) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", "ormlint");
  const char *version = opts->tool_version ? opts->tool_version : "0.0.0";
  cJSON_AddStringToObject(o, "version", version);
  cJSON_AddStringToObject(o, "semanticVersion", version);
  cJSON_AddStringToObject(o, "informationUri", TOOL_URI);
  cJSON *rules = cJSON_AddArrayToObject(o, "rules");
  for (size_t i = 0; i < opts->n_rules; i++)
    cJSON_AddItemToArray(rules, rule_object(&opts->rules[i]));
  return o;
}

/* A fence longer than any backtick run in the code, so the code cannot close it. */
static size_t fence_length(const char *a, const char *b) {
  size_t longest = 0;
  for (int k = 0; k < 2; k++) {
    size_t run = 0;
    for (const char *p = k ? b : a; p && *p; p++) {
      run = *p == '`' ? run + 1 : 0;
      if (run > longest)
        longest = run;
    }
  }
  return longest < 3 ? 3 : longest + 1;
}

static void put_code_block(ol_buf *b, const char *title, const char *code, size_t fence) {
  ol_buf_printf(b, "\n\n**%s**\n\n", title);
  for (size_t i = 0; i < fence; i++)
    ol_buf_putc(b, '`');
  ol_buf_puts(b, "python\n");
  ol_buf_puts(b, code ? code : "");
  if (!code || !*code || code[strlen(code) - 1] != '\n')
    ol_buf_putc(b, '\n');
  for (size_t i = 0; i < fence; i++)
    ol_buf_putc(b, '`');
}

static char *fix_markdown(const ol_fix *fix) {
  ol_buf b = {0};
  ol_buf_puts(&b, fix->description ? fix->description : "");
  size_t fence = fence_length(fix->before, fix->after);
  put_code_block(&b, "Before", fix->before, fence);
  put_code_block(&b, "After", fix->after, fence);
  ol_buf_putc(&b, '\n');
  return ol_buf_take(&b);
}

static cJSON *replacement_object(const ol_replacement *e) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "deletedRegion", region_object(&e->deleted));
  add_text(o, "insertedContent", e->inserted);
  return o;
}

static cJSON *fix_object(const ol_fix *fix, const char *path) {
  cJSON *o = cJSON_CreateObject();
  cJSON *desc = cJSON_AddObjectToObject(o, "description");
  cJSON_AddStringToObject(desc, "text", fix->description ? fix->description : "");
  char *md = fix_markdown(fix);
  cJSON_AddStringToObject(desc, "markdown", md);
  ol_free(md);
  cJSON *change = cJSON_CreateObject();
  cJSON_AddItemToObject(change, "artifactLocation", artifact_location(path));
  cJSON *repl = cJSON_AddArrayToObject(change, "replacements");
  for (size_t i = 0; i < fix->n_edits; i++)
    cJSON_AddItemToArray(repl, replacement_object(&fix->edits[i]));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "artifactChanges"), change);
  cJSON *props = cJSON_AddObjectToObject(o, "properties");
  cJSON_AddStringToObject(props, "applicability",
                          fix->applicability == OL_FIX_SAFE ? "safe" : "unsafe");
  return o;
}

static cJSON *code_flows(const ol_finding *f) {
  cJSON *locs = cJSON_CreateArray();
  for (size_t i = 0; i < f->n_flow; i++) {
    cJSON *tfl = cJSON_CreateObject();
    cJSON_AddItemToObject(tfl, "location", location_object(&f->flow[i]));
    cJSON_AddItemToArray(locs, tfl);
  }
  cJSON *thread = cJSON_CreateObject();
  cJSON_AddItemToObject(thread, "locations", locs);
  cJSON *flow = cJSON_CreateObject();
  cJSON_AddItemToArray(cJSON_AddArrayToObject(flow, "threadFlows"), thread);
  cJSON *flows = cJSON_CreateArray();
  cJSON_AddItemToArray(flows, flow);
  return flows;
}

static cJSON *related_locations(const ol_finding *f) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < f->n_related; i++) {
    cJSON *loc = location_object(&f->related[i]);
    cJSON_AddNumberToObject(loc, "id", (double)(i + 1));
    cJSON_AddItemToArray(arr, loc);
  }
  return arr;
}

static long rule_index(const ol_write_opts *opts, const ol_rule_meta *rule) {
  for (size_t i = 0; rule && i < opts->n_rules; i++)
    if (&opts->rules[i] == rule || strcmp(opts->rules[i].code, rule->code) == 0)
      return (long)i;
  return -1;
}

static cJSON *result_object(const ol_finding *f, const ol_write_opts *opts) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "ruleId", f->rule ? f->rule->code : "ORM000");
  long index = rule_index(opts, f->rule);
  if (index >= 0)
    cJSON_AddNumberToObject(o, "ruleIndex", (double)index);
  cJSON_AddStringToObject(o, "level", level_name(f->rule ? f->rule->level : OL_LEVEL_WARNING));
  add_text(o, "message", f->message);
  cJSON *loc = cJSON_CreateObject();
  cJSON_AddItemToObject(loc, "physicalLocation", physical_location(f->path, &f->region));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "locations"), loc);
  if (f->n_related)
    cJSON_AddItemToObject(o, "relatedLocations", related_locations(f));
  if (f->n_flow)
    cJSON_AddItemToObject(o, "codeFlows", code_flows(f));
  if (f->fingerprint) {
    cJSON *fp = cJSON_AddObjectToObject(o, "partialFingerprints");
    cJSON_AddStringToObject(fp, "primaryLocationLineHash", f->fingerprint);
  }
  /* A SARIF fix needs at least one replacement. */
  if (f->fix && f->fix->n_edits)
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "fixes"),
                         fix_object(f->fix, f->fix->path ? f->fix->path : f->path));
  return o;
}

static cJSON *notification_object(ol_note_level level, const char *path, uint32_t line,
                                  const char *message) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "level", ol_note_level_name(level));
  add_text(o, "message", message);
  if (!path)
    return o;
  cJSON *phys = cJSON_CreateObject();
  cJSON_AddItemToObject(phys, "artifactLocation", artifact_location(path));
  if (line)
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(phys, "region"), "startLine", line);
  cJSON *loc = cJSON_CreateObject();
  cJSON_AddItemToObject(loc, "physicalLocation", phys);
  cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "locations"), loc);
  return o;
}

static cJSON *invocation_object(const ol_report *report) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "executionSuccessful", report->execution_successful);
  cJSON *notes = cJSON_AddArrayToObject(o, "toolExecutionNotifications");
  for (size_t i = 0; i < report->n_notes; i++) {
    const ol_notification *n = &report->notes[i];
    cJSON_AddItemToArray(notes, notification_object(n->level, n->path, n->line, n->message));
  }
  if (report->findings_dropped) {
    char *msg =
        ol_format("%zu more results were left out: at most %zu results are reported per run.",
                  report->findings_dropped, report->n_findings);
    cJSON_AddItemToArray(notes, notification_object(OL_NOTE_WARNING, NULL, 0, msg));
    ol_free(msg);
  }
  return o;
}

static cJSON *run_object(const ol_report *report, const ol_write_opts *opts) {
  cJSON *run = cJSON_CreateObject();
  cJSON *tool = cJSON_AddObjectToObject(run, "tool");
  cJSON_AddItemToObject(tool, "driver", driver_object(opts));
  if (opts->category) { /* code scanning keeps one analysis per category */
    size_t n = strlen(opts->category);
    char *id = n && opts->category[n - 1] == '/' ? ol_strdup(opts->category)
                                                 : ol_format("%s/", opts->category);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(run, "automationDetails"), "id", id);
    ol_free(id);
  }
  if (report->root) {
    char *uri = ol_writer_file_uri(report->root, true);
    cJSON *base =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "originalUriBaseIds"), SRCROOT);
    cJSON_AddStringToObject(base, "uri", uri);
    ol_free(uri);
  }
  cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"), invocation_object(report));
  cJSON *results = cJSON_AddArrayToObject(run, "results");
  for (size_t i = 0; i < report->n_findings; i++)
    cJSON_AddItemToArray(results, result_object(&report->findings[i], opts));
  cJSON_AddStringToObject(run, "columnKind", "utf16CodeUnits");
  return run;
}

static int write_sarif(FILE *out, const ol_report *report, const ol_write_opts *opts) {
  cJSON *log = cJSON_CreateObject();
  cJSON_AddStringToObject(log, "$schema", SARIF_SCHEMA);
  cJSON_AddStringToObject(log, "version", "2.1.0");
  cJSON_AddItemToArray(cJSON_AddArrayToObject(log, "runs"), run_object(report, opts));
  int rc = ol_writer_put_json(out, log);
  cJSON_Delete(log);
  return rc;
}

const ol_writer ol_writer_sarif = {"sarif", write_sarif};
