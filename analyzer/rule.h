/* The rule interface. A rule reads one file's facts and the project index,
 * and emits drafts: byte spans, a message, related spans, and a fix as
 * edits. The engine turns drafts into findings (positions, snippets, fix
 * validation); rules never see a tree, a writer, or the command line. */
#ifndef OL_RULE_H
#define OL_RULE_H

#include "alloc.h"
#include "facts.h"
#include "finding.h"
#include "index.h"

typedef struct {
  uint32_t start, end; /* replaced bytes; start == end inserts */
  char *text;          /* owned */
} ol_edit;

typedef struct {
  char *description;
  ol_applicability applicability;
  OL_VEC(ol_edit) edits;
  ol_span block; /* the statement(s) the fix rewrites: its Before/After */
  int32_t file;  /* the file the edits apply to (index->files), -1: the rule's file */
} ol_fix_draft;

#define OL_MAX_RELATED 10
#define OL_MAX_FLOW 12

/* A place a draft points at: span in the rule's file, or a place in another file. */
typedef struct {
  ol_span span;
  int32_t file;  /* index->files; -1: the rule's file */
  char *message; /* owned */
} ol_draft_loc;

typedef struct {
  const ol_rule_meta *rule;
  ol_span span;
  char *message; /* owned */
  ol_draft_loc related[OL_MAX_RELATED];
  size_t n_related;
  ol_draft_loc flow[OL_MAX_FLOW]; /* a call path to the real query (SARIF codeFlows) */
  size_t n_flow;
  ol_fix_draft *fix;       /* owned, NULL when none */
  ol_index_advice *advice; /* owned: indexes it recommends (--emit-sql), n_advice of them */
  size_t n_advice;
} ol_draft;

typedef OL_VEC(ol_draft) ol_drafts;

typedef struct ol_source ol_source_t;
struct ol_noqas;

typedef struct {
  const char *path;          /* relative to the project root */
  const ol_source_t *source; /* for line numbers */
  const char *src;           /* the file's bytes (read only) */
  uint32_t len;
  const ol_file_facts *facts;
  const ol_index *index;
  uint32_t file; /* this file's index in index->files */
  ol_drafts *out;
  /* The source of another file of the project, for a fix that edits it;
   * NULL when that file is not among those checked (never edited). */
  const ol_source_t *(*source_of)(void *ud, uint32_t file);
  /* The 1-based line of a byte offset in any file of the project, 0 when unknown. */
  uint32_t (*line_of)(void *ud, uint32_t file, uint32_t off);
  void *ud;
  /* For rules that run after suppression (ol_rule.after_suppression): the
   * file's noqa directives, with what each silenced, and the codes of the
   * rules that ran. */
  const struct ol_noqas *noqas;
  const char *const *ran;
  size_t n_ran;
  const char *dialect; /* the database the schema targets: "postgresql", "sqlite" or "mysql" */
  /* The SQLAlchemy fixes are written for: 13 (1.3: select([...]),
   * .as_scalar(), no Session.scalars), 14, 20; 0 unknown: forms that work on
   * 1.4 and 2.0. */
  int sqla;
} ol_rule_ctx;

typedef struct {
  ol_rule_meta meta;
  const char *folder; /* rules/<folder>/, where doc.md lives */
  void (*check)(const ol_rule_ctx *ctx, const ol_rule_meta *meta);
  bool after_suppression; /* runs once the other rules' findings met the noqa comments */
  bool default_off;       /* runs only when --select (or `select`) names it */
} ol_rule;

/* The registry (analyzer/rules.c): every rule, in code order. */
extern const ol_rule *const ol_rules[];
size_t ol_rule_count(void);
/* The rule's metadata with its embedded doc filled in; NULL for an unknown code. */
const ol_rule_meta *ol_rule_meta_find(const char *code);
/* Metadata of every rule, in code order (for SARIF driver.rules). */
const ol_rule_meta *ol_rule_metas(void);

/* Helpers for rules. */
ol_draft *ol_draft_add(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_span span,
                       char *message);
void ol_draft_relate(ol_draft *d, ol_span span, char *message);
/* A related location in any file of the project (index->files). */
void ol_draft_relate_at(ol_draft *d, uint32_t file, ol_span span, char *message);
/* Appends a step of the call path; file -1 means the rule's file. */
void ol_draft_flow(ol_draft *d, int32_t file, ol_span span, char *message);
/* The 1-based line of off in any file of the project. */
uint32_t ol_rule_line_in(const ol_rule_ctx *ctx, uint32_t file, uint32_t off);
/* Attaches an index recommendation (the draft owns what it holds). */
void ol_draft_advise(ol_draft *d, ol_index_advice advice);
ol_fix_draft *ol_fix_draft_new(ol_applicability app, char *description, ol_span block);
void ol_fix_draft_edit(ol_fix_draft *f, uint32_t start, uint32_t end, char *text);
void ol_fix_draft_free(ol_fix_draft *f);
void ol_drafts_free(ol_drafts *d);
/* A context for another file of the project (its source, facts and path),
 * to build a fix that edits it; false when it may not be edited. */
bool ol_rule_ctx_other(const ol_rule_ctx *ctx, uint32_t file, ol_rule_ctx *out);
/* 1-based line of a byte offset, for messages. */
uint32_t ol_rule_line(const ol_rule_ctx *ctx, uint32_t off);

#endif
