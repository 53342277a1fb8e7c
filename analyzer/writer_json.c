/* JSON output: one array, one object per finding, in report order. Field
 * names are snake_case and stable; positions are 1-based with UTF-16
 * columns (end_column exclusive), as in SARIF. */
#include <cjson/cJSON.h>

#include "writer.h"

static void add_string(cJSON *obj, const char *key, const char *s) {
  if (s)
    cJSON_AddStringToObject(obj, key, s);
  else
    cJSON_AddNullToObject(obj, key);
}

static void add_position(cJSON *obj, const ol_region *r) {
  cJSON_AddNumberToObject(obj, "line", r->line);
  cJSON_AddNumberToObject(obj, "column", r->col);
  cJSON_AddNumberToObject(obj, "end_line", r->end_line);
  cJSON_AddNumberToObject(obj, "end_column", r->end_col);
}

static cJSON *location_list(const ol_location *locs, size_t n) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    add_string(o, "path", locs[i].path);
    add_position(o, &locs[i].region);
    add_string(o, "message", locs[i].message);
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

static cJSON *edit_object(const ol_replacement *e) {
  cJSON *o = cJSON_CreateObject();
  add_position(o, &e->deleted);
  cJSON_AddNumberToObject(o, "byte_offset", e->deleted.byte_offset);
  cJSON_AddNumberToObject(o, "byte_length", e->deleted.byte_length);
  add_string(o, "content", e->inserted ? e->inserted : "");
  return o;
}

static cJSON *fix_object(const ol_fix *fix) {
  if (!fix)
    return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "applicability",
                          fix->applicability == OL_FIX_SAFE ? "safe" : "unsafe");
  if (fix->path)
    add_string(o, "path", fix->path);
  add_string(o, "description", fix->description);
  add_string(o, "before", fix->before);
  add_string(o, "after", fix->after);
  cJSON *edits = cJSON_AddArrayToObject(o, "edits");
  for (size_t i = 0; i < fix->n_edits; i++)
    cJSON_AddItemToArray(edits, edit_object(&fix->edits[i]));
  return o;
}

static cJSON *finding_object(const ol_finding *f) {
  cJSON *o = cJSON_CreateObject();
  add_string(o, "path", f->path);
  add_position(o, &f->region);
  add_string(o, "code", f->rule ? f->rule->code : NULL);
  add_string(o, "name", f->rule ? f->rule->name : NULL);
  add_string(o, "message", f->message);
  cJSON_AddItemToObject(o, "related", location_list(f->related, f->n_related));
  cJSON_AddItemToObject(o, "flow", location_list(f->flow, f->n_flow));
  cJSON_AddItemToObject(o, "fix", fix_object(f->fix));
  return o;
}

static int write_json(FILE *out, const ol_report *report, const ol_write_opts *opts) {
  (void)opts;
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < report->n_findings; i++)
    cJSON_AddItemToArray(arr, finding_object(&report->findings[i]));
  int rc = ol_writer_put_json(out, arr);
  cJSON_Delete(arr);
  return rc;
}

const ol_writer ol_writer_json = {"json", write_json};
