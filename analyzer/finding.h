/* A finding is plain data: what the rules produce and the writers format.
 * Positions are resolved (lines and UTF-16 columns) by the engine before a
 * finding reaches a writer, so writers never see source text beyond the
 * strings stored here. Every string is owned by the finding. */
#ifndef OL_FINDING_H
#define OL_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { OL_LEVEL_NOTE, OL_LEVEL_WARNING, OL_LEVEL_ERROR } ol_level;

/* Metadata of one rule, as SARIF's reportingDescriptor needs it. */
typedef struct {
  const char *code;       /* "ORM001" */
  const char *name;       /* "query-in-loop" */
  const char *short_desc; /* one line */
  const char *full_desc;  /* a paragraph */
  const char *doc_md;     /* the rule's doc.md, embedded at build time */
  ol_level level;         /* defaultConfiguration.level */
  const char *precision;  /* "high", "very-high", "medium" */
  const char *tags;       /* comma-separated, e.g. "performance,sqlalchemy" */
} ol_rule_meta;

/* A region of a file. line/col are 1-based; columns count UTF-16 code units
 * (SARIF columnKind utf16CodeUnits, LSP's default). end_col is exclusive. */
typedef struct {
  uint32_t line, col, end_line, end_col;
  uint32_t byte_offset, byte_length;
} ol_region;

typedef struct {
  char *path; /* relative to the project root, '/'-separated */
  ol_region region;
  char *message; /* NULL when none */
} ol_location;

typedef struct {
  ol_region deleted; /* empty (byte_length 0) for a pure insertion */
  char *inserted;    /* "" for a pure deletion */
} ol_replacement;

typedef enum { OL_FIX_SAFE, OL_FIX_UNSAFE } ol_applicability;

typedef struct {
  char *path;        /* the file the edits apply to, when not the finding's (root-relative) */
  char *description; /* one sentence */
  ol_applicability applicability;
  char *before, *after;  /* the whole rewritten block, dedented; the after parses */
  ol_replacement *edits; /* in the finding's file, sorted by offset, disjoint */
  size_t n_edits;
  uint32_t block_offset, block_length; /* bytes of the rewritten block: fixes whose blocks overlap
                                          wait for the next round */
} ol_fix;

/* How a query uses a column an index is recommended for. */
typedef enum { OL_ADVICE_EQUAL, OL_ADVICE_RANGE, OL_ADVICE_ORDER, OL_ADVICE_OTHER } ol_advice_kind;

typedef struct {
  char *where;    /* "path:line" of the lookup */
  uint64_t query; /* the same for the lookups of one query */
  uint32_t order; /* where in that query: a composite index lists its columns in this order */
  ol_advice_kind kind;
} ol_advice_use;

/* An index a finding recommends, as data: --emit-sql renders it without
 * knowing which rule made it. */
typedef struct {
  char *table, *column;
  bool foreign_key;
  bool text; /* a TEXT column: MySQL can index only a prefix of it */
  ol_advice_use *uses;
  size_t n_uses;
} ol_index_advice;

typedef struct {
  const ol_rule_meta *rule;
  char *path; /* relative to the project root */
  ol_region region;
  char *message;
  char *line_text;        /* the source line of region.line, without its newline; on a long line
                             an excerpt around the region, "…" where it was cut */
  uint32_t line_text_col; /* UTF-16 column line_text starts at (1: the line's start) */
  uint64_t line_hash;     /* of the rule and the whole line's text, for the fingerprint */
  char *fingerprint;      /* partialFingerprints.primaryLocationLineHash */
  ol_location *related;   /* loop header, producing query, ... */
  size_t n_related;
  ol_location *flow; /* call path to the real query (codeFlows), may be empty */
  size_t n_flow;
  ol_fix *fix;             /* NULL when no correct rewrite exists */
  ol_index_advice *advice; /* indexes it recommends (schema rules), may be empty */
  size_t n_advice;
} ol_finding;

typedef enum { OL_NOTE_ERROR, OL_NOTE_WARNING, OL_NOTE_INFO } ol_note_level;

/* A toolExecutionNotification: a file that could not be read or parsed whole. */
typedef struct {
  ol_note_level level;
  char *path;    /* as given or relative to the root; may be NULL */
  uint32_t line; /* 0 when not about a line */
  char *message;
} ol_notification;

/* Everything one run produced, sorted (path, line, column, code). */
typedef struct {
  ol_finding *findings;
  size_t n_findings;
  ol_notification *notes;
  size_t n_notes;
  size_t files_analyzed;
  size_t files_unparsed;     /* of those, not parsed: the prefilter found nothing that matters */
  size_t findings_dropped;   /* over the per-run result limit */
  bool execution_successful; /* false when a path was missing or unreadable */
  char *root;                /* absolute project root, file:// base for %SRCROOT% */
} ol_report;

void ol_finding_free(ol_finding *f);
void ol_advice_free(ol_index_advice *a, size_t n);
void ol_fix_free(ol_fix *fix);
/* Cuts a fix's Before/After to what a person reads: a long line to a window
 * around where the two differ, a snippet to its first 64 KiB (analyzer/excerpt.c). */
void ol_fix_cap_snippets(ol_fix *fix);
void ol_report_free(ol_report *r);

#endif
