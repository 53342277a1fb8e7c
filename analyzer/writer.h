/* Output formats behind one table of function pointers. A writer only
 * formats: it reads the report and the rule table and never decides. */
#ifndef OL_WRITER_H
#define OL_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"

typedef struct {
  const char *tool_version;  /* "0.1.0" */
  bool color;                /* text only: ANSI colours (a terminal) */
  bool statistics;           /* text only: counts per rule instead of findings */
  bool show_fixes;           /* text only: print each fix's before/after */
  bool quiet;                /* text only: findings only, no summary */
  const char *category;      /* SARIF run.automationDetails.id, NULL for none */
  const ol_rule_meta *rules; /* every rule, for SARIF driver.rules */
  size_t n_rules;
} ol_write_opts;

typedef struct {
  const char *name; /* "text", "sarif", "json", "github" */
  /* Returns 0, or -1 when writing failed (errno set). */
  int (*write)(FILE *out, const ol_report *report, const ol_write_opts *opts);
} ol_writer;

/* For writers: prints a cJSON tree with two-space indentation, invalid
 * UTF-8 replaced by U+FFFD. Returns 0 or -1. */
struct cJSON;
int ol_writer_put_json(FILE *out, const struct cJSON *root);

/* "error", "warning" or "note": a notification's level as SARIF and the text writer name it. */
const char *ol_note_level_name(ol_note_level level);

/* file:///abs/path (percent-encoded), with a trailing slash when asked. Caller frees. */
char *ol_writer_file_uri(const char *abs_path, bool trailing_slash);
/* Where a rule's documentation is (SARIF helpUri, LSP codeDescription). Caller frees. */
char *ol_writer_rule_help_uri(const ol_rule_meta *rule);

/* Borrowed; NULL for an unknown name. */
const ol_writer *ol_writer_find(const char *name);

extern const ol_writer ol_writer_text, ol_writer_sarif, ol_writer_json, ol_writer_github;

#endif
