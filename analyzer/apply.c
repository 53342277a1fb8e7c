/* Applying fixes to files: only to a file unchanged since it was read, in
 * bounded rounds (overlapping fixes wait for the next round, after the file
 * is analysed again), each result re-parsed, written by rename. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "engine_internal.h"

#define MAX_ROUNDS 8

static bool allowed(const ol_engine *e, const ol_finding *f) {
  if (!f->fix)
    return false;
  if (e->cfg->fix_mode == OL_FIXMODE_UNSAFE)
    return true;
  return e->cfg->fix_mode == OL_FIXMODE_SAFE && f->fix->applicability == OL_FIX_SAFE;
}

/* Fixes conflict when their blocks overlap: the second is re-derived after
 * the first is applied, so the names it introduces cannot clash. */
static bool overlaps(const ol_fix *a, const ol_fix *b) {
  if (a->block_offset < b->block_offset + b->block_length &&
      b->block_offset < a->block_offset + a->block_length)
    return true;
  for (size_t i = 0; i < a->n_edits; i++)
    for (size_t j = 0; j < b->n_edits; j++) {
      uint32_t as = a->edits[i].deleted.byte_offset, ae = as + a->edits[i].deleted.byte_length;
      uint32_t bs = b->edits[j].deleted.byte_offset, be = bs + b->edits[j].deleted.byte_length;
      if (as <= be && bs <= ae)
        return true; /* touching counts: two inserts at one point conflict */
    }
  return false;
}

static int by_offset(const void *x, const void *y) {
  const ol_replacement *a = x, *b = y;
  return a->deleted.byte_offset < b->deleted.byte_offset
             ? -1
             : a->deleted.byte_offset > b->deleted.byte_offset;
}

/* One round: the non-overlapping allowed fixes of findings, merged and applied to src. */
static char *apply_round(const ol_engine *e, const ol_source *src, ol_findings *fs, uint32_t *len,
                         size_t *applied) {
  OL_VEC(const ol_fix *) chosen = {0};
  for (size_t i = 0; i < fs->len; i++) {
    if (!allowed(e, &fs->items[i]))
      continue;
    bool clash = false;
    for (size_t j = 0; j < chosen.len && !clash; j++)
      clash = overlaps(chosen.items[j], fs->items[i].fix);
    if (!clash)
      ol_vec_push(&chosen, fs->items[i].fix);
  }
  *applied = chosen.len;
  if (!chosen.len)
    return NULL;
  OL_VEC(ol_replacement) all = {0};
  for (size_t i = 0; i < chosen.len; i++)
    for (size_t j = 0; j < chosen.items[i]->n_edits; j++)
      ol_vec_push(&all, chosen.items[i]->edits[j]);
  if (all.len > 1)
    qsort(all.items, all.len, sizeof(ol_replacement), by_offset);
  char *out = ol_fixes_apply_edits(src->bytes, src->len, all.items, all.len, len);
  ol_vec_free(&all);
  ol_vec_free(&chosen);
  return out;
}

static uint32_t error_count(ol_engine *e, const char *text, uint32_t len) {
  TSTree *t = ol_parse(e->parser, text, len);
  uint32_t n = ol_tree_error_count(ts_tree_root_node(t), NULL);
  ts_tree_delete(t);
  return n;
}

static void free_findings(ol_findings *fs) {
  for (size_t i = 0; i < fs->len; i++)
    ol_finding_free(&fs->items[i]);
  fs->len = 0;
}

/* Fixes one file in rounds; on return *fs holds the findings that remain. */
static void fix_file(ol_engine *e, ol_unit *u, ol_findings *fs, ol_notes *notes, FILE *diff,
                     ol_fix_stats *st) {
  if (!(u->src.st.st_mode & 0222)) {
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0, ol_strdup("not fixed: the file is read-only"));
    st->refused++;
    return;
  }
  char *disk = NULL;
  size_t disk_len = 0;
  struct stat now;
  if (e->fs->read_all(u->path, OL_SOURCE_MAX_BYTES, &disk, &disk_len, &now) != 0 ||
      disk_len != u->src.len || memcmp(disk, u->src.bytes, disk_len) != 0) {
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0,
                 ol_strdup("not fixed: the file changed since it was read"));
    st->refused++;
    ol_free(disk);
    return;
  }
  ol_free(disk);
  uint32_t base_errors = u->facts.parse_errors;
  uint32_t file = (uint32_t)(u - e->units.items);
  ol_file_facts facts = {0}; /* the fixed text's, indexed in place of the unit's while in use */
  ol_source cur = {0};
  ol_source_init(&cur, ol_strndup(u->src.bytes, u->src.len), u->src.len);
  size_t fixed = 0;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    uint32_t len;
    size_t n;
    char *next = apply_round(e, &cur, fs, &len, &n);
    if (!next)
      break;
    if (error_count(e, next, len) > base_errors) {
      ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0,
                   ol_strdup("not fixed: the fixes together did not parse (please report this as "
                             "an ormlint bug)"));
      st->refused += n;
      ol_free(next);
      break;
    }
    fixed += n;
    ol_source_free(&cur);
    ol_source_init(&cur, next, len);
    ol_file_facts next_facts = {0};
    ol_engine_facts(e->cfg, e->parser, &cur, &next_facts);
    ol_engine_reindex(e, file, &next_facts);
    ol_facts_free(&facts);
    facts = next_facts;
    free_findings(fs);
    ol_engine_check_unit(e, &cur, file, &facts, fs, notes);
  }
  if (fixed) {
    ol_engine_reindex(e, (size_t)-1, NULL);
    ol_facts_free(&facts);
  }
  if (fixed) {
    int err = 0;
    if (diff)
      ol_diff_write(diff, u->rel, u->src.bytes, u->src.len, cur.bytes, cur.len);
    else
      err = e->fs->replace(u->path, cur.bytes, cur.len, u->src.st.st_mode);
    if (err) {
      ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0,
                   ol_format("not fixed: cannot write: %s", strerror(err)));
      st->refused += fixed;
      /* The file is as it was: report the findings as they were. */
      free_findings(fs);
      ol_engine_check_unit(e, &u->src, file, &u->facts, fs, notes);
    } else {
      st->fixed += fixed;
      st->files++;
    }
  }
  ol_source_free(&cur);
}

static ol_unit *unit_for(ol_engine *e, const char *rel) {
  for (size_t i = 0; i < e->units.len; i++)
    if (e->units.items[i].have_src && !strcmp(e->units.items[i].rel, rel))
      return &e->units.items[i];
  return NULL;
}

void ol_engine_apply(ol_engine *e, ol_report *report, FILE *diff, ol_fix_stats *stats) {
  memset(stats, 0, sizeof *stats);
  ol_findings kept = {0};
  ol_notes notes = {.items = report->notes, .len = report->n_notes, .cap = report->n_notes};
  for (size_t i = 0; i < report->n_findings;) {
    size_t j = i;
    bool any = false;
    while (j < report->n_findings && !strcmp(report->findings[j].path, report->findings[i].path))
      any |= allowed(e, &report->findings[j++]);
    ol_findings group = {0};
    for (size_t k = i; k < j; k++)
      ol_vec_push(&group, report->findings[k]);
    ol_unit *u = any ? unit_for(e, report->findings[i].path) : NULL;
    if (u)
      fix_file(e, u, &group, &notes, diff, stats);
    for (size_t k = 0; k < group.len; k++)
      ol_vec_push(&kept, group.items[k]);
    ol_vec_free(&group);
    i = j;
  }
  ol_free(report->findings);
  report->findings = kept.items;
  report->n_findings = kept.len;
  report->notes = notes.items;
  report->n_notes = notes.len;
  ol_report_sort(report);
}
