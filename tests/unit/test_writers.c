/* The four writers over one hand-built report: three findings (fixes, related
 * locations, a call-chain flow, tabs and non-ASCII text, a path that needs
 * escaping), two notifications and a count of dropped results. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "writer.h"

static const ol_rule_meta rules[] = {
    {"ORM001", "query-in-loop", "A query runs on every loop iteration.",
     "A query executed inside a loop issues one SQL statement per iteration.",
     "# query-in-loop\n\n## What it does\n", OL_LEVEL_WARNING, "high", "performance, sqlalchemy"},
    {"ORM002", "lazy-load-in-loop", "A lazy relationship is loaded on every iteration.",
     "Reading a lazy relationship of each row issues one SELECT per row.", "# lazy-load-in-loop\n",
     OL_LEVEL_NOTE, "very-high", "performance,sqlalchemy,n+1,performance"},
    {"ORM005", "len-all", "Rows are loaded only to be counted.",
     "len(q.all()) loads every row to count them.", "# len-all\n", OL_LEVEL_ERROR, "medium",
     "performance"},
};

/* Line 12 of app/views.py: a tab, an astral character (two UTF-16 units),
 * then the query at UTF-16 columns 19..44 (exclusive). */
#define LINE12 "\tname = '\xF0\x9F\x98\x80'; u = User.query.get(p.user_id)"

static ol_region region(uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col,
                        uint32_t off, uint32_t len) {
  return (ol_region){line, col, end_line, end_col, off, len};
}

static ol_location location(const char *path, ol_region r, const char *message) {
  return (ol_location){ol_strdup(path), r, ol_strdup(message)};
}

static ol_fix *make_fix(ol_applicability a, const char *desc, const char *before,
                        const char *after) {
  ol_fix *fix = ol_calloc(1, sizeof *fix);
  *fix = (ol_fix){.description = ol_strdup(desc),
                  .applicability = a,
                  .before = ol_strdup(before),
                  .after = ol_strdup(after)};
  return fix;
}

static void add_edit(ol_fix *fix, ol_region deleted, const char *inserted) {
  fix->edits = ol_realloc(fix->edits, (fix->n_edits + 1) * sizeof *fix->edits);
  fix->edits[fix->n_edits++] = (ol_replacement){deleted, ol_strdup(inserted)};
}

static void finding_query_in_loop(ol_finding *f) {
  f->rule = &rules[0];
  f->path = ol_strdup("app/views.py");
  f->region = region(12, 19, 12, 44, 230, 25);
  f->message = ol_strdup("Query executed on each iteration of the loop at line 11 (User).");
  f->line_text = ol_strdup(LINE12);
  f->fingerprint = ol_strdup("5f1a3c2b9d0e7f64:1");
  f->related = ol_calloc(1, sizeof *f->related);
  f->related[0] = location("app/views.py", region(11, 5, 11, 17, 200, 12), "the loop");
  f->n_related = 1;
  f->fix = make_fix(OL_FIX_UNSAFE, "Load all users in one query before the loop.",
                    "for p in ps:\n    u = User.query.get(p.user_id)\n    print(u)\n",
                    "users = {u.id: u for u in User.query.filter(User.id.in_(ids))}\n"
                    "for p in ps:\n    u = users.get(p.user_id)\n    print(u)\n");
  add_edit(f->fix, region(11, 1, 11, 1, 196, 0),
           "users = {u.id: u for u in User.query.filter(User.id.in_(ids))}\n");
  add_edit(f->fix, region(12, 19, 12, 44, 230, 25), "users.get(p.user_id)");
}

static void finding_lazy_load(ol_finding *f) {
  f->rule = &rules[1];
  f->path = ol_strdup("app/views.py");
  f->region = region(30, 9, 30, 22, 600, 13);
  f->message =
      ol_strdup("Lazy relationship Post.author read for 100% of rows,\r\nin the loop at line 29.");
  f->line_text = ol_strdup("        render(post)");
  f->related = ol_calloc(2, sizeof *f->related);
  f->related[0] = location("app/views.py", region(29, 5, 29, 24, 570, 19), "the loop");
  f->related[1] =
      location("app/views.py", region(28, 13, 28, 33, 540, 20), "the query that produced the rows");
  f->n_related = 2;
  f->flow = ol_calloc(2, sizeof *f->flow);
  f->flow[0] =
      location("app/views.py", region(30, 9, 30, 21, 600, 12), "render() is called in the loop");
  f->flow[1] =
      location("app/helpers.py", region(5, 12, 5, 23, 80, 11), "render() reads post.author");
  f->n_flow = 2;
  f->fix = make_fix(OL_FIX_SAFE, "Load Post.author with the posts.", "posts = Post.query.all()\n",
                    "posts = Post.query.options(joinedload(Post.author)).all()\n");
  add_edit(f->fix, region(28, 24, 28, 24, 551, 0), ".options(joinedload(Post.author))");
}

static void finding_len_all(ol_finding *f) {
  f->rule = &rules[2];
  f->path = ol_strdup("app/odd:name, \xC3\xBC.py");
  f->region = region(3, 5, 4, 10, 40, 30);
  f->message = ol_strdup("len() loads every row only to count them.");
  f->line_text = ol_strdup("n = len(Order.query");
}

static ol_report make_report(void) {
  ol_report r = {0};
  r.n_findings = 3;
  r.findings = ol_calloc(r.n_findings, sizeof *r.findings);
  finding_query_in_loop(&r.findings[0]);
  finding_lazy_load(&r.findings[1]);
  finding_len_all(&r.findings[2]);
  r.n_notes = 2;
  r.notes = ol_calloc(r.n_notes, sizeof *r.notes);
  r.notes[0] = (ol_notification){OL_NOTE_WARNING, ol_strdup("app/broken.py"), 7,
                                 ol_strdup("invalid UTF-8; analyzed up to the first bad byte")};
  r.notes[1] =
      (ol_notification){OL_NOTE_ERROR, NULL, 0, ol_strdup("missing/: no such file or directory")};
  r.files_analyzed = 4;
  r.findings_dropped = 2;
  r.execution_successful = false;
  r.root = ol_strdup("/home/dev/my project");
  return r;
}

static ol_write_opts make_opts(void) {
  return (ol_write_opts){.tool_version = "1.2.3",
                         .show_fixes = true,
                         .rules = rules,
                         .n_rules = sizeof rules / sizeof *rules};
}

/* Runs a writer into memory; returns the output the caller frees. */
static char *capture(const char *format, const ol_report *r, const ol_write_opts *opts) {
  const ol_writer *w = ol_writer_find(format);
  assert_non_null(w);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  assert_non_null(out);
  assert_int_equal(w->write(out, r, opts), 0);
  fclose(out);
  return text;
}

static void assert_contains(const char *haystack, const char *needle) {
  if (!strstr(haystack, needle))
    fail_msg("expected output to contain:\n%s\n--- output:\n%s", needle, haystack);
}

static cJSON *at(const cJSON *obj, const char *path) {
  char *copy = ol_strdup(path);
  const cJSON *cur = obj;
  for (char *save = NULL, *key = strtok_r(copy, ".", &save); key && cur;
       key = strtok_r(NULL, ".", &save))
    cur = (*key >= '0' && *key <= '9') ? cJSON_GetArrayItem(cur, atoi(key))
                                       : cJSON_GetObjectItemCaseSensitive(cur, key);
  ol_free(copy);
  if (!cur)
    fail_msg("no %s in the JSON output", path);
  return (cJSON *)cur;
}

static void assert_str_at(const cJSON *obj, const char *path, const char *want) {
  const cJSON *item = at(obj, path);
  assert_true(cJSON_IsString(item));
  assert_string_equal(item->valuestring, want);
}

static void assert_num_at(const cJSON *obj, const char *path, double want) {
  const cJSON *item = at(obj, path);
  assert_true(cJSON_IsNumber(item));
  assert_true(item->valuedouble == want);
}

static cJSON *parse(const char *text) {
  cJSON *root = cJSON_Parse(text);
  if (!root)
    fail_msg("output is not JSON:\n%s", text);
  return root;
}

/* ---- table ---------------------------------------------------------------- */

static void test_find(void **state) {
  (void)state;
  const char *names[] = {"text", "sarif", "json", "github"};
  for (size_t i = 0; i < 4; i++) {
    const ol_writer *w = ol_writer_find(names[i]);
    assert_non_null(w);
    assert_string_equal(w->name, names[i]);
    assert_non_null(w->write);
  }
  assert_ptr_equal(ol_writer_find("sarif"), &ol_writer_sarif);
  assert_null(ol_writer_find("xml"));
  assert_null(ol_writer_find(NULL));
}

/* Every writer reports a failed write instead of losing it: /dev/full
 * accepts buffered output and fails the flush with ENOSPC. */
static void test_write_error(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  const char *names[] = {"text", "sarif", "json", "github"};
  for (size_t i = 0; i < 4; i++) {
    FILE *full = fopen("/dev/full", "w");
    if (!full)
      skip();
    assert_int_equal(ol_writer_find(names[i])->write(full, &r, &opts), -1);
    fclose(full);
  }
  ol_report_free(&r);
}

/* ---- github ------------------------------------------------------------- */

static void test_github(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  char *out = capture("github", &r, &opts);
  assert_contains(out, "::warning file=app/views.py,line=12,col=19,endLine=12,endColumn=44,"
                       "title=ORM001 (query-in-loop)::Query executed on each iteration of the loop "
                       "at line 11 (User).\n");
  /* note -> ::notice; %, CR and LF escaped in the message, ':' and ',' kept. */
  assert_contains(out, "::notice file=app/views.py,line=30,col=9,endLine=30,endColumn=22,"
                       "title=ORM002 (lazy-load-in-loop)::Lazy relationship Post.author read for "
                       "100%25 of rows,%0D%0Ain the loop at line 29.\n");
  /* error -> ::error; ':' and ',' escaped in properties; UTF-8 passed through. */
  assert_contains(out,
                  "::error file=app/odd%3Aname%2C \xC3\xBC.py,line=3,col=5,endLine=4,endColumn=10,"
                  "title=ORM005 (len-all)::len() loads every row only to count them.\n");
  assert_contains(
      out,
      "::warning file=app/broken.py,line=7::invalid UTF-8; analyzed up to the first bad byte\n");
  assert_contains(out, "::error::missing/: no such file or directory\n");
  assert_contains(out, "::warning::2 more findings were left out");
  size_t lines = 0;
  for (const char *p = out; *p; p++)
    lines += *p == '\n';
  assert_int_equal(lines, 6);
  free(out);
  ol_report_free(&r);
}

/* ---- json ---------------------------------------------------------------- */

static void test_json(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  char *out = capture("json", &r, &opts);
  cJSON *root = parse(out);
  assert_true(cJSON_IsArray(root));
  assert_int_equal(cJSON_GetArraySize(root), 3);
  assert_str_at(root, "0.path", "app/views.py");
  assert_num_at(root, "0.line", 12);
  assert_num_at(root, "0.column", 19);
  assert_num_at(root, "0.end_line", 12);
  assert_num_at(root, "0.end_column", 44);
  assert_str_at(root, "0.code", "ORM001");
  assert_str_at(root, "0.name", "query-in-loop");
  assert_str_at(root, "0.related.0.message", "the loop");
  assert_num_at(root, "0.related.0.line", 11);
  assert_str_at(root, "0.fix.applicability", "unsafe");
  assert_str_at(root, "0.fix.before", r.findings[0].fix->before);
  assert_str_at(root, "0.fix.after", r.findings[0].fix->after);
  assert_int_equal(cJSON_GetArraySize(at(root, "0.fix.edits")), 2);
  assert_num_at(root, "0.fix.edits.0.byte_offset", 196);
  assert_num_at(root, "0.fix.edits.0.byte_length", 0);
  assert_num_at(root, "0.fix.edits.1.column", 19);
  assert_num_at(root, "0.fix.edits.1.end_column", 44);
  assert_str_at(root, "0.fix.edits.1.content", "users.get(p.user_id)");
  assert_str_at(root, "1.message", r.findings[1].message);
  assert_str_at(root, "1.fix.applicability", "safe");
  assert_int_equal(cJSON_GetArraySize(at(root, "1.related")), 2);
  assert_str_at(root, "2.path", "app/odd:name, \xC3\xBC.py");
  assert_true(cJSON_IsNull(at(root, "2.fix")));
  assert_int_equal(cJSON_GetArraySize(at(root, "2.related")), 0);
  cJSON_Delete(root);
  free(out);
  ol_report_free(&r);
}

static void test_json_empty(void **state) {
  (void)state;
  ol_report r = {0};
  ol_write_opts opts = make_opts();
  char *out = capture("json", &r, &opts);
  assert_string_equal(out, "[]\n");
  free(out);
}

/* Bytes that are not UTF-8 become U+FFFD: the output stays valid JSON. */
static void test_json_invalid_utf8(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  ol_free(r.findings[2].message);
  r.findings[2].message = ol_strdup("bad \xFF\xC3 byte\x01 \"quoted\" \\ \xC3\xBC");
  char *out = capture("json", &r, &opts);
  assert_contains(out,
                  "\"message\": \"bad \\ufffd\\ufffd byte\\u0001 \\\"quoted\\\" \\\\ \xC3\xBC\"");
  cJSON *root = parse(out);
  assert_str_at(root, "2.message", "bad \xEF\xBF\xBD\xEF\xBF\xBD byte\x01 \"quoted\" \\ \xC3\xBC");
  cJSON_Delete(root);
  free(out);
  ol_report_free(&r);
}

/* ---- sarif ----------------------------------------------------------------- */

static void check_sarif_driver(const cJSON *run) {
  assert_str_at(run, "tool.driver.name", "ormlint");
  assert_str_at(run, "tool.driver.version", "1.2.3");
  assert_str_at(run, "tool.driver.informationUri", "https://github.com/ormlint/ormlint");
  assert_int_equal(cJSON_GetArraySize(at(run, "tool.driver.rules")), 3);
  assert_str_at(run, "tool.driver.rules.0.id", "ORM001");
  assert_str_at(run, "tool.driver.rules.0.name", "query-in-loop");
  assert_str_at(run, "tool.driver.rules.0.shortDescription.text", rules[0].short_desc);
  assert_str_at(run, "tool.driver.rules.0.fullDescription.text", rules[0].full_desc);
  assert_str_at(run, "tool.driver.rules.0.help.text", rules[0].doc_md);
  assert_str_at(run, "tool.driver.rules.0.help.markdown", rules[0].doc_md);
  assert_str_at(run, "tool.driver.rules.0.helpUri",
                "https://github.com/ormlint/ormlint/blob/main/rules/orm001_query_in_loop/doc.md");
  assert_str_at(run, "tool.driver.rules.0.defaultConfiguration.level", "warning");
  assert_str_at(run, "tool.driver.rules.1.defaultConfiguration.level", "note");
  assert_str_at(run, "tool.driver.rules.0.properties.precision", "high");
  assert_int_equal(cJSON_GetArraySize(at(run, "tool.driver.rules.0.properties.tags")), 2);
  assert_str_at(run, "tool.driver.rules.0.properties.tags.1", "sqlalchemy");
  assert_str_at(run, "tool.driver.rules.1.properties.tags.2", "n+1");
  assert_int_equal(cJSON_GetArraySize(at(run, "tool.driver.rules.1.properties.tags")), 3);
}

static void check_sarif_result0(const cJSON *run) {
  assert_str_at(run, "results.0.ruleId", "ORM001");
  assert_num_at(run, "results.0.ruleIndex", 0);
  assert_str_at(run, "results.0.level", "warning");
  assert_str_at(run, "results.0.message.text",
                "Query executed on each iteration of the loop at line 11 (User).");
  const cJSON *loc = at(run, "results.0.locations.0.physicalLocation");
  assert_str_at(loc, "artifactLocation.uri", "app/views.py");
  assert_str_at(loc, "artifactLocation.uriBaseId", "%SRCROOT%");
  assert_num_at(loc, "region.startLine", 12);
  assert_num_at(loc, "region.startColumn", 19);
  assert_num_at(loc, "region.endLine", 12);
  assert_num_at(loc, "region.endColumn", 44);
  assert_num_at(loc, "region.byteOffset", 230);
  assert_num_at(loc, "region.byteLength", 25);
  assert_num_at(run, "results.0.relatedLocations.0.id", 1);
  assert_str_at(run, "results.0.relatedLocations.0.message.text", "the loop");
  assert_num_at(run, "results.0.relatedLocations.0.physicalLocation.region.startLine", 11);
  assert_str_at(run, "results.0.partialFingerprints.primaryLocationLineHash", "5f1a3c2b9d0e7f64:1");
  assert_null(cJSON_GetObjectItem(at(run, "results.0"), "codeFlows"));
}

static void check_sarif_fix0(const cJSON *run) {
  const cJSON *fix = at(run, "results.0.fixes.0");
  assert_int_equal(cJSON_GetArraySize(at(run, "results.0.fixes")), 1);
  assert_str_at(fix, "description.text", "Load all users in one query before the loop.");
  const char *md = at(fix, "description.markdown")->valuestring;
  assert_contains(md, "**Before**\n\n```python\nfor p in ps:\n    u = User.query.get(p.user_id)\n");
  assert_contains(md, "**After**\n\n```python\nusers = {u.id: u");
  assert_str_at(fix, "properties.applicability", "unsafe");
  assert_str_at(fix, "artifactChanges.0.artifactLocation.uri", "app/views.py");
  assert_str_at(fix, "artifactChanges.0.artifactLocation.uriBaseId", "%SRCROOT%");
  assert_int_equal(cJSON_GetArraySize(at(fix, "artifactChanges.0.replacements")), 2);
  const cJSON *ins = at(fix, "artifactChanges.0.replacements.0");
  assert_num_at(ins, "deletedRegion.startLine", 11);
  assert_num_at(ins, "deletedRegion.startColumn", 1);
  assert_num_at(ins, "deletedRegion.endColumn", 1);
  assert_num_at(ins, "deletedRegion.byteOffset", 196);
  assert_num_at(ins, "deletedRegion.byteLength", 0);
  const cJSON *rep = at(fix, "artifactChanges.0.replacements.1");
  assert_num_at(rep, "deletedRegion.endColumn", 44);
  assert_num_at(rep, "deletedRegion.byteLength", 25);
  assert_str_at(rep, "insertedContent.text", "users.get(p.user_id)");
}

static void check_sarif_results12(const cJSON *run) {
  assert_str_at(run, "results.1.level", "note");
  assert_num_at(run, "results.1.ruleIndex", 1);
  assert_num_at(run, "results.1.relatedLocations.1.id", 2);
  const cJSON *tfl = at(run, "results.1.codeFlows.0.threadFlows.0.locations");
  assert_int_equal(cJSON_GetArraySize(tfl), 2);
  assert_str_at(tfl, "1.location.physicalLocation.artifactLocation.uri", "app/helpers.py");
  assert_str_at(tfl, "1.location.message.text", "render() reads post.author");
  assert_str_at(run, "results.1.fixes.0.properties.applicability", "safe");
  assert_str_at(run, "results.2.level", "error");
  assert_str_at(run, "results.2.locations.0.physicalLocation.artifactLocation.uri",
                "app/odd%3Aname%2C%20%C3%BC.py");
  assert_num_at(run, "results.2.locations.0.physicalLocation.region.endLine", 4);
  assert_null(cJSON_GetObjectItem(at(run, "results.2"), "fixes"));
  assert_null(cJSON_GetObjectItem(at(run, "results.2"), "relatedLocations"));
}

static void check_sarif_invocation(const cJSON *run) {
  const cJSON *inv = at(run, "invocations.0");
  assert_true(cJSON_IsFalse(at(inv, "executionSuccessful")));
  const cJSON *notes = at(inv, "toolExecutionNotifications");
  assert_int_equal(cJSON_GetArraySize(notes), 3);
  assert_str_at(notes, "0.level", "warning");
  assert_str_at(notes, "0.locations.0.physicalLocation.artifactLocation.uri", "app/broken.py");
  assert_num_at(notes, "0.locations.0.physicalLocation.region.startLine", 7);
  assert_str_at(notes, "1.level", "error");
  assert_null(cJSON_GetObjectItem(at(notes, "1"), "locations"));
  assert_contains(at(notes, "2.message.text")->valuestring, "2 more results were left out");
}

static void test_sarif(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  char *out = capture("sarif", &r, &opts);
  cJSON *root = parse(out);
  assert_str_at(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  assert_str_at(root, "version", "2.1.0");
  assert_int_equal(cJSON_GetArraySize(at(root, "runs")), 1);
  const cJSON *run = at(root, "runs.0");
  assert_str_at(run, "columnKind", "utf16CodeUnits");
  assert_str_at(run, "originalUriBaseIds.%SRCROOT%.uri", "file:///home/dev/my%20project/");
  assert_int_equal(cJSON_GetArraySize(at(run, "results")), 3);
  check_sarif_driver(run);
  check_sarif_result0(run);
  check_sarif_fix0(run);
  check_sarif_results12(run);
  check_sarif_invocation(run);
  assert_null(strchr(out, '\t')); /* two-space indentation */
  char *again = capture("sarif", &r, &opts);
  assert_string_equal(out, again); /* deterministic */
  free(again);
  cJSON_Delete(root);
  free(out);
  ol_report_free(&r);
}

static void test_sarif_empty(void **state) {
  (void)state;
  ol_report r = {.execution_successful = true};
  ol_write_opts opts = make_opts();
  char *out = capture("sarif", &r, &opts);
  cJSON *root = parse(out);
  const cJSON *run = at(root, "runs.0");
  assert_int_equal(cJSON_GetArraySize(at(run, "results")), 0);
  assert_true(cJSON_IsTrue(at(run, "invocations.0.executionSuccessful")));
  assert_int_equal(cJSON_GetArraySize(at(run, "invocations.0.toolExecutionNotifications")), 0);
  assert_null(cJSON_GetObjectItem(run, "originalUriBaseIds"));
  cJSON_Delete(root);
  free(out);
}

/* SARIF requires a replacement in every fix: a fix without edits is left out. */
static void test_sarif_fix_without_edits(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  r.findings[1].fix->n_edits = 0;
  char *out = capture("sarif", &r, &opts);
  cJSON *root = parse(out);
  assert_null(cJSON_GetObjectItem(at(root, "runs.0.results.1"), "fixes"));
  assert_non_null(cJSON_GetObjectItem(at(root, "runs.0.results.0"), "fixes"));
  cJSON_Delete(root);
  free(out);
  r.findings[1].fix->n_edits = 1;
  ol_report_free(&r);
}

/* ---- text ------------------------------------------------------------------ */

static void test_text(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  char *out = capture("text", &r, &opts);
  assert_null(strchr(out, '\033'));
  assert_contains(
      out,
      "app/views.py:12:19: ORM001 Query executed on each iteration of the loop at line 11 (User).\n"
      "   |\n"
      "12 |     name = '\xF0\x9F\x98\x80'; u = User.query.get(p.user_id)\n"
      /* tab = 4 cells, 16 characters, then 25 carets: one per character */
      "   |                     ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
      "   |\n"
      "   = fix (unsafe): Load all users in one query before the loop.\n"
      "     + users = {u.id: u for u in User.query.filter(User.id.in_(ids))}\n"
      "       for p in ps:\n"
      "     -     u = User.query.get(p.user_id)\n"
      "     +     u = users.get(p.user_id)\n"
      "           print(u)\n\n");
  assert_contains(out, "   = fix (safe): Load Post.author with the posts.\n"
                       "     - posts = Post.query.all()\n"
                       "     + posts = Post.query.options(joinedload(Post.author)).all()\n");
  /* a region over two lines is underlined to the end of the first */
  assert_contains(out, "3 | n = len(Order.query\n"
                       "  |     ^^^^^^^^^^^^^^^\n");
  assert_contains(out,
                  "app/broken.py:7: warning: invalid UTF-8; analyzed up to the first bad byte\n");
  assert_contains(out, "\nerror: missing/: no such file or directory\n");
  assert_contains(out, "2 more findings were left out");
  const char *summary = "Found 5 findings (1 fixable with --fix, 1 with --unsafe-fixes).\n";
  assert_contains(out, summary);
  assert_string_equal(out + strlen(out) - strlen(summary), summary);
  free(out);
  ol_report_free(&r);
}

static void test_text_options(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  opts.show_fixes = false;
  char *out = capture("text", &r, &opts);
  assert_null(strstr(out, "= fix"));
  free(out);
  opts.quiet = true;
  out = capture("text", &r, &opts);
  assert_contains(out, "app/views.py:12:19: ORM001 ");
  assert_contains(out, "\nerror: missing/: no such file or directory\n");
  assert_null(strstr(out, "warning: invalid UTF-8"));
  assert_null(strstr(out, "Found "));
  free(out);
  opts.quiet = false;
  opts.color = true;
  out = capture("text", &r, &opts);
  assert_contains(out, "\033[1;31mORM001\033[0m");
  assert_contains(out, "\033[1;31m^^^");
  free(out);
  ol_report_free(&r);
}

/* A bad byte shows as U+FFFD and takes one column, like any character. */
static void test_text_invalid_utf8(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  ol_free(r.findings[2].line_text);
  r.findings[2].line_text = ol_strdup("n\xFF= len(Order.query");
  r.findings[2].region.col = 6;
  char *out = capture("text", &r, &opts);
  assert_contains(out, "3 | n\xEF\xBF\xBD= len(Order.query\n"
                       "  |      ^^^^^^^^^^^^^^\n");
  free(out);
  ol_report_free(&r);
}

static void test_text_empty(void **state) {
  (void)state;
  ol_report r = {.execution_successful = true};
  ol_write_opts opts = make_opts();
  char *out = capture("text", &r, &opts);
  assert_string_equal(out, "All checks passed!\n");
  free(out);
}

static void test_statistics(void **state) {
  (void)state;
  ol_report r = make_report();
  ol_write_opts opts = make_opts();
  opts.statistics = true;
  r.findings[0].rule = &rules[2]; /* now ORM005 twice (one with a fix), ORM002 once */
  ol_fix *fix = r.findings[1].fix;
  r.findings[1].fix = NULL;
  char *out = capture("text", &r, &opts);
  assert_string_equal(out, "2\tORM005\t[*] len-all\n"
                           "1\tORM002\t    lazy-load-in-loop\n");
  free(out);
  r.findings[1].fix = fix;
  ol_report_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_find),       cmocka_unit_test(test_write_error),
      cmocka_unit_test(test_github),     cmocka_unit_test(test_json),
      cmocka_unit_test(test_json_empty), cmocka_unit_test(test_json_invalid_utf8),
      cmocka_unit_test(test_sarif),      cmocka_unit_test(test_sarif_empty),
      cmocka_unit_test(test_text),       cmocka_unit_test(test_text_options),
      cmocka_unit_test(test_text_empty), cmocka_unit_test(test_text_invalid_utf8),
      cmocka_unit_test(test_statistics), cmocka_unit_test(test_sarif_fix_without_edits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
