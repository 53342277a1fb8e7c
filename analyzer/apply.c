/* Applying fixes to files: only to a file unchanged since it was read, in
 * bounded rounds (overlapping fixes wait for the next round, after the file
 * is analysed again), each result re-parsed, written by rename. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff.h"
#include "discover.h"
#include "engine_internal.h"
#include "jinja.h"
#include "suppress.h"

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

static void free_findings(ol_findings *fs) {
  for (size_t i = 0; i < fs->len; i++)
    ol_finding_free(&fs->items[i]);
  fs->len = 0;
}

/* The file a finding's fix edits: its own, or the one its fix names. */
static const char *target_of(const ol_finding *f) {
  return f->fix && f->fix->path ? f->fix->path : f->path;
}

/* Whether the file on disk is still the text u was analysed from. */
static bool unchanged_on_disk(const ol_engine *e, const ol_unit *u) {
  char *disk = NULL;
  size_t disk_len = 0;
  struct stat now;
  bool same = e->fs->read_all(u->path, e->cfg->max_file_size, &disk, &disk_len, &now) == 0 &&
              disk_len == u->src.len && memcmp(disk, u->src.bytes, disk_len) == 0;
  ol_free(disk);
  return same;
}

/* Where an edit of u may be written: the file's real path, when that is
 * inside the project and the file has one name (a symbolic link to it is
 * kept: the file it names is replaced). NULL and *why (a notification
 * starting with refused, the caller frees it) otherwise: a link out of the
 * project would make the edit write someone else's file, and replacing a
 * hard-linked file would split its names. */
static char *write_target(const ol_engine *e, const ol_unit *u, const char *refused, char **why) {
  *why = NULL;
  if (!e->fs->real_path)
    return ol_strdup(u->path);
  char *real = e->fs->real_path(u->path), *root = e->fs->real_path(e->root);
  struct stat st;
  if (!real || !root)
    *why = ol_format("%s: cannot resolve its path: %s", refused, strerror(errno));
  else if (!ol_path_is_within(root, real))
    *why = ol_format("%s: it is %s through a symbolic link, outside the project", refused, real);
  else if (e->fs->lstat(real, &st) != 0 || !S_ISREG(st.st_mode))
    *why = ol_format("%s: it is not a regular file", refused);
  else if (st.st_nlink > 1)
    *why = ol_format("%s: the file has %ju hard links, and writing it would split them", refused,
                     (uintmax_t)st.st_nlink);
  ol_free(root);
  if (*why) {
    ol_free(real);
    return NULL;
  }
  return real;
}

/* Whether a fix to u may be written (else a notification says why). */
static bool writable(const ol_engine *e, const ol_unit *u, ol_notes *notes) {
  char *why, *target = write_target(e, u, "not fixed", &why);
  ol_free(target);
  if (why)
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0, why);
  return !why;
}

/* Starts fixing unit i: refused when it is read-only, outside the project
 * or linked, or changed since it was read. */
static ol_fixing *start_fixing(ol_engine *e, size_t i, ol_notes *notes, ol_fix_stats *st) {
  if (e->fixing[i])
    return e->fixing[i]->refused ? NULL : e->fixing[i];
  ol_unit *u = &e->units.items[i];
  ol_fixing *fx = e->fixing[i] = ol_calloc(1, sizeof *fx);
  uint32_t errors;
  if (!ol_engine_source(e, (uint32_t)i, &errors)) {
    fx->refused = true;
    return NULL;
  }
  if (!(u->src.st.st_mode & 0222)) {
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0, ol_strdup("not fixed: the file is read-only"));
    st->refused++;
    fx->refused = true;
    return NULL;
  }
  if (!unchanged_on_disk(e, u)) {
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0,
                 ol_strdup("not fixed: the file changed since it was read"));
    st->refused++;
    fx->refused = true;
    return NULL;
  }
  if (!writable(e, u, notes)) {
    st->refused++;
    fx->refused = true;
    return NULL;
  }
  fx->base_errors = errors;
  ol_source_init(&fx->cur, ol_strndup(u->src.bytes, u->src.len), u->src.len);
  return fx;
}

/* One round over every file some allowed fix edits; true when one was applied. */
static bool fix_round(ol_engine *e, ol_findings *fs, ol_notes *notes, ol_fix_stats *st) {
  bool any = false;
  for (size_t i = 0; i < e->units.len; i++) {
    ol_unit *u = &e->units.items[i];
    ol_findings mine = {0}; /* borrowed: the findings whose fix edits this file */
    for (size_t k = 0; k < fs->len; k++)
      if (allowed(e, &fs->items[k]) && !strcmp(target_of(&fs->items[k]), u->rel))
        ol_vec_push(&mine, fs->items[k]);
    ol_fixing *fx = mine.len && u->checked ? start_fixing(e, i, notes, st) : NULL;
    if (!fx) {
      ol_vec_free(&mine);
      continue;
    }
    const ol_source *src = fx->changed ? &fx->cur : &u->src;
    uint32_t len;
    size_t n;
    char *next = apply_round(e, src, &mine, &len, &n);
    ol_vec_free(&mine);
    if (!next)
      continue;
    if (ol_parse_error_count(e->parser, next, len) > fx->base_errors) {
      ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0,
                   ol_strdup("not fixed: the fixes together did not parse (please report this as "
                             "an ormlint bug)"));
      st->refused += n;
      fx->refused = true;
      ol_free(next);
      continue;
    }
    ol_source_free(&fx->cur);
    ol_source_init(&fx->cur, next, len);
    fx->cur.rel = ol_strdup(u->rel);
    ol_facts_free(&fx->facts);
    memset(&fx->facts, 0, sizeof fx->facts);
    ol_engine_facts(e->cfg, e->parser, &fx->cur, &fx->facts);
    fx->changed = true;
    fx->fixed += n;
    any = true;
  }
  return any;
}

static bool has_note(const ol_notes *notes, const ol_notification *n) {
  for (size_t i = 0; i < notes->len; i++)
    if (notes->items[i].line == n->line && !strcmp(notes->items[i].message, n->message) &&
        ((!notes->items[i].path && !n->path) ||
         (notes->items[i].path && n->path && !strcmp(notes->items[i].path, n->path))))
      return true;
  return false;
}

/* Every checked file analysed again, as fixed so far (the index first:
 * a fix in one file changes what another file's findings see). */
static void recheck(ol_engine *e, ol_findings *fs, ol_notes *notes) {
  ol_engine_reindex(e);
  free_findings(fs);
  ol_notes fresh = {0};
  for (size_t i = 0; i < e->units.len; i++) {
    ol_unit *u = &e->units.items[i];
    const ol_fixing *fx = e->fixing[i];
    if (fx && fx->changed)
      ol_engine_check_unit(e, &fx->cur, (uint32_t)i, &fx->facts, fs, &fresh);
    else if (u->have_src && u->checked)
      ol_engine_check_unit(e, &u->src, (uint32_t)i, &u->facts, fs, &fresh);
  }
  for (size_t i = 0; i < fresh.len; i++) {
    if (has_note(notes, &fresh.items[i])) {
      ol_free(fresh.items[i].path);
      ol_free(fresh.items[i].message);
    } else {
      ol_vec_push(notes, fresh.items[i]);
    }
  }
  ol_vec_free(&fresh);
}

void ol_engine_apply(ol_engine *e, ol_report *report, FILE *diff, ol_fix_stats *stats) {
  memset(stats, 0, sizeof *stats);
  ol_notes notes = {.items = report->notes, .len = report->n_notes, .cap = report->n_notes};
  ol_findings fs = {
      .items = report->findings, .len = report->n_findings, .cap = report->n_findings};
  e->fixing = ol_calloc(e->units.len ? e->units.len : 1, sizeof(ol_fixing *));
  bool changed = false;
  for (int round = 0; round < MAX_ROUNDS && fix_round(e, &fs, &notes, stats); round++) {
    changed = true;
    recheck(e, &fs, &notes);
  }
  /* Write every file that changed; a file that cannot be written stays as it was. */
  bool failed = false;
  for (size_t i = 0; i < e->units.len; i++) {
    ol_fixing *fx = e->fixing[i];
    if (!fx || !fx->changed)
      continue;
    ol_unit *u = &e->units.items[i];
    int err = 0;
    char *why = NULL, *target = NULL;
    if (diff)
      ol_diff_write(diff, u->rel, u->src.bytes, u->src.len, fx->cur.bytes, fx->cur.len);
    else if (!unchanged_on_disk(e, u)) /* again, just before writing: the rounds take time */
      why = ol_strdup("not fixed: the file changed since it was read");
    else if ((target = write_target(e, u, "not fixed", &why)) != NULL)
      err = e->fs->replace(target, fx->cur.bytes, fx->cur.len, u->src.st.st_mode);
    ol_free(target);
    if (err)
      why = ol_format("not fixed: cannot write: %s", strerror(err));
    if (why) {
      ol_notes_add(&notes, OL_NOTE_ERROR, u->rel, 0, why);
      stats->refused += fx->fixed;
      fx->changed = false; /* the file is as it was: report its findings as they were */
      failed = true;
    } else {
      stats->fixed += fx->fixed;
      stats->files++;
    }
  }
  if (changed && failed)
    recheck(e, &fs, &notes);
  /* Back to the files as read: the index must not point at facts freed here. */
  for (size_t i = 0; i < e->units.len; i++)
    if (e->fixing[i])
      e->fixing[i]->changed = false;
  if (changed)
    ol_engine_reindex(e);
  for (size_t i = 0; i < e->units.len; i++) {
    if (!e->fixing[i])
      continue;
    ol_source_free(&e->fixing[i]->cur);
    ol_facts_free(&e->fixing[i]->facts);
    ol_free(e->fixing[i]);
  }
  ol_free(e->fixing);
  e->fixing = NULL;
  report->findings = fs.items;
  report->n_findings = fs.len;
  report->notes = notes.items;
  report->n_notes = notes.len;
  ol_report_sort(report);
}

/* ---- --add-noqa ------------------------------------------------------------ */

/* Unterminated tags in a template's text (what a noqa comment could break). */
static uint32_t jinja_errors(const char *text, uint32_t len) {
  ol_file_facts f = {0};
  ol_jinja_facts(text, len, &f);
  uint32_t n = f.parse_errors;
  ol_facts_free(&f);
  return n;
}

/* The codes of findings on one line of one file, in code order. */
typedef struct {
  uint32_t line;
  char codes[128];
} noqa_line;

static void add_code(noqa_line *l, const char *code) {
  for (const char *p = l->codes; (p = strstr(p, code)); p += strlen(code))
    if ((p == l->codes || p[-1] == ',') && (p[strlen(code)] == ',' || !p[strlen(code)]))
      return;
  size_t n = strlen(l->codes);
  snprintf(l->codes + n, sizeof l->codes - n, "%s%s", n ? "," : "", code);
}

void ol_engine_add_noqa(ol_engine *e, ol_report *report, ol_fix_stats *stats) {
  memset(stats, 0, sizeof *stats);
  ol_notes notes = {.items = report->notes, .len = report->n_notes, .cap = report->n_notes};
  size_t kept = 0;
  for (size_t i = 0; i < report->n_findings;) {
    size_t j = i;
    while (j < report->n_findings && !strcmp(report->findings[j].path, report->findings[i].path))
      j++;
    const char *rel = report->findings[i].path;
    size_t u = 0;
    while (u < e->units.len && strcmp(e->units.items[u].rel, rel) != 0)
      u++;
    uint32_t errors = 0;
    const ol_source *src = u < e->units.len ? ol_engine_source(e, (uint32_t)u, &errors) : NULL;
    OL_VEC(noqa_line) lines = {0};
    for (size_t k = i; k < j && src; k++) {
      noqa_line *l = lines.len ? &lines.items[lines.len - 1] : NULL;
      if (!l || l->line != report->findings[k].region.line) {
        noqa_line nl = {.line = report->findings[k].region.line};
        ol_vec_push(&lines, nl);
        l = &lines.items[lines.len - 1];
      }
      add_code(l, report->findings[k].rule->code);
    }
    bool written = false;
    if (src && lines.len) {
      ol_buf out = {0};
      uint32_t at = 0;
      for (size_t k = 0; k < lines.len; k++) {
        uint32_t s = src->line_starts[lines.items[k].line - 1];
        uint32_t end = s;
        while (end < src->len && src->bytes[end] != '\n' && src->bytes[end] != '\r')
          end++;
        char *text = (src->rel && ol_jinja_has_template_ext(src->rel)
                          ? ol_noqa_add_to_template_line
                          : ol_noqa_add_to_line)(src->bytes + s, end - s, lines.items[k].codes);
        ol_buf_add(&out, src->bytes + at, s - at);
        if (text)
          ol_buf_puts(&out, text);
        else
          ol_buf_add(&out, src->bytes + s, end - s);
        ol_free(text);
        at = end;
      }
      ol_buf_add(&out, src->bytes + at, src->len - at);
      uint32_t len = (uint32_t)out.len;
      char *next = ol_buf_take(&out);
      const ol_unit *unit = &e->units.items[u];
      int err = 0;
      char *why = NULL, *target = NULL;
      bool jinja = src->rel && ol_jinja_has_template_ext(src->rel);
      if (jinja ? jinja_errors(next, len) > jinja_errors(src->bytes, src->len)
                : ol_parse_error_count(e->parser, next, len) > errors)
        ol_notes_add(&notes, OL_NOTE_ERROR, rel, 0,
                     ol_strdup("noqa not added: a comment would break a line (a string or a "
                               "continuation runs on); add it by hand"));
      else if (!(target = write_target(e, unit, "noqa not added", &why)))
        ol_notes_add(&notes, OL_NOTE_ERROR, rel, 0, why);
      else if ((err = e->fs->replace(target, next, len, unit->src.st.st_mode)) != 0)
        ol_notes_add(&notes, OL_NOTE_ERROR, rel, 0,
                     ol_format("noqa not added: cannot write: %s", strerror(err)));
      else
        written = true;
      ol_free(target);
      ol_free(next);
    }
    ol_vec_free(&lines);
    if (written) {
      stats->fixed += j - i;
      stats->files++;
      for (size_t k = i; k < j; k++)
        ol_finding_free(&report->findings[k]);
    } else {
      for (size_t k = i; k < j; k++)
        report->findings[kept++] = report->findings[k];
    }
    i = j;
  }
  report->n_findings = kept;
  report->notes = notes.items;
  report->n_notes = notes.len;
  ol_report_sort(report);
}
