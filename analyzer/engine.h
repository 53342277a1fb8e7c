/* The engine: paths -> discover -> read -> parse -> facts -> index -> link
 * -> check -> findings. It never prints and never exits; the CLI and the
 * language server drive it and decide what to do with its report. */
#ifndef OL_ENGINE_H
#define OL_ENGINE_H

#include <stdio.h>

#include "config.h"
#include "finding.h"
#include "fsys.h"
#include "status.h"

#define OL_MAX_RESULTS 25000
/* Findings kept per file (the first by position; the rest are counted in a
 * notification naming the file): a generated file with 50,000 count queries
 * must not crowd out every other file's findings, nor build 50,000 fixes. */
#define OL_MAX_FILE_RESULTS 5000

typedef struct ol_engine ol_engine;

/* cfg and fs are borrowed and must outlive the engine. */
ol_engine *ol_engine_new(const ol_config *cfg, const ol_fs *fs);
void ol_engine_free(ol_engine *e);

/* Analyses paths (files or directories) with the index built from the whole
 * project around the first one. Fills *out (the caller frees it with
 * ol_report_free). Missing or unreadable paths are notifications and make
 * report.execution_successful false; analysis goes on. */
ol_status ol_engine_scan(ol_engine *e, char *const *paths, size_t n, ol_report *out);

/* ---- a workspace, for the language server ---- */

/* Indexes every Python file under root (the editor's project). */
ol_status ol_engine_open(ol_engine *e, const char *root);
/* The unit of an absolute path; with create, a new one for a file the
 * index does not know yet (an unsaved buffer). -1 when unknown. */
int ol_engine_unit_of(ol_engine *e, const char *abs_path, bool create);
/* The editor's text of a unit: its facts come from it (parsed again from
 * old after ts_tree_edit, or from scratch when old is NULL). Returns the new
 * tree, which the caller keeps for the next edit. Call ol_engine_reindex
 * before checking. */
struct TSTree;
struct TSTree *ol_engine_set_text(ol_engine *e, int unit, const char *text, uint32_t len,
                                  const struct TSTree *old);
/* Reads a unit again from disk (a watched file changed, or its buffer closed). */
void ol_engine_reload(ol_engine *e, int unit);
/* Findings without fixes (for diagnostics as one types; fixes on request). */
void ol_engine_set_lazy_fixes(ol_engine *e, bool lazy);
/* The findings of one unit, sorted and fingerprinted. */
void ol_engine_check_one(ol_engine *e, int unit, ol_report *out);
/* Rebuilds the project index from every unit's facts (for a file being
 * fixed, its facts as fixed so far). */
void ol_engine_reindex(ol_engine *e);

/* Prints the project index (models, relationships) as text: --show-models. */
void ol_engine_write_models(const ol_engine *e, FILE *out);

typedef struct {
  size_t fixed;   /* findings whose fix was applied */
  size_t files;   /* files changed */
  size_t refused; /* fixes refused: the file changed, the result did not parse, or writing failed */
} ol_fix_stats;

/* Applies the fixes the config's fix mode allows to the files of report,
 * in bounded rounds, re-analysing each file after each round. With diff
 * set, writes a unified diff there and changes nothing on disk; otherwise
 * writes each file atomically. Replaces report's findings with those that
 * remain. Problems become notifications in report. */
void ol_engine_apply(ol_engine *e, ol_report *report, FILE *diff, ol_fix_stats *stats);

/* Adds `# noqa: CODE[,CODE]` to the first line of every finding of report
 * (merged into a `# noqa:` list already there), file by file, each written
 * atomically and only when the result parses as well as before. The
 * findings it silenced leave the report; stats counts them and the files. */
void ol_engine_add_noqa(ol_engine *e, ol_report *report, ol_fix_stats *stats);

#endif
