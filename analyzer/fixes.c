/* From drafts to findings: positions, the Before/After snippets, and the
 * proof every fix must pass before it is offered — applied to the file, the
 * result re-parsed, and refused if it adds a syntax error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "hash.h"

static int by_start(const void *a, const void *b) {
  const ol_edit *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

char *ol_fixes_apply_edits(const char *src, uint32_t len, const ol_replacement *edits, size_t n,
                           uint32_t *out_len) {
  ol_buf b = {0};
  uint32_t at = 0;
  for (size_t i = 0; i < n; i++) {
    ol_buf_add(&b, src + at, edits[i].deleted.byte_offset - at);
    ol_buf_puts(&b, edits[i].inserted);
    at = edits[i].deleted.byte_offset + edits[i].deleted.byte_length;
  }
  ol_buf_add(&b, src + at, len - at);
  if (out_len)
    *out_len = (uint32_t)b.len;
  return ol_buf_take(&b);
}

static uint32_t line_end_of(const ol_source *src, uint32_t off) {
  uint32_t line = ol_source_line(src, off > 0 && off == src->len ? off - 1 : off);
  if (off > 0 && (src->bytes[off - 1] == '\n' || src->bytes[off - 1] == '\r') &&
      off == src->line_starts[line - 1])
    return off; /* already at a line start: the block ended with its newline */
  return line < src->n_lines ? src->line_starts[line] : src->len;
}

/* Removes the common leading indentation of every non-blank line. */
static char *dedent(const char *text) {
  size_t common = (size_t)-1, n = strlen(text);
  for (const char *line = text; *line;) {
    size_t ind = strspn(line, " \t");
    size_t len = ol_line_length(line, n - (size_t)(line - text));
    if (ind < len && ind < common)
      common = ind;
    line += len + ol_line_break(line + len, n - (size_t)(line + len - text));
  }
  if (common == (size_t)-1)
    common = 0;
  ol_buf b = {0};
  for (const char *line = text; *line;) {
    size_t len = ol_line_length(line, n - (size_t)(line - text));
    size_t cut = len < common ? len : common;
    ol_buf_add(&b, line + cut, len - cut);
    size_t br = ol_line_break(line + len, n - (size_t)(line + len - text));
    if (br)
      ol_buf_putc(&b, '\n'); /* snippets are shown, and parsed, with \n */
    line += len + br;
  }
  return ol_buf_take(&b);
}

typedef struct {
  uint32_t start, end;
} range;

/* Appends src[r] with the fix's edits inside r applied (after) or not (before), dedented. */
static void render(const ol_source *src, const ol_fix *fix, range r, bool applied, ol_buf *out) {
  ol_buf raw = {0};
  uint32_t at = r.start;
  for (size_t i = 0; applied && i < fix->n_edits; i++) {
    uint32_t s = fix->edits[i].deleted.byte_offset, e = s + fix->edits[i].deleted.byte_length;
    if (s < r.start || e > r.end || (r.start == r.end && s != r.start))
      continue;
    ol_buf_add(&raw, src->bytes + at, s - at);
    ol_buf_puts(&raw, fix->edits[i].inserted);
    at = e;
  }
  ol_buf_add(&raw, src->bytes + at, r.end - at);
  if (!raw.len) {
    ol_buf_free(&raw);
    return;
  }
  char *text = ol_buf_take(&raw), *d = dedent(text);
  if (out->len)
    ol_buf_puts(out, "...\n"); /* an Ellipsis statement: the snippet still parses */
  ol_buf_puts(out, d);
  if (out->len && out->s[out->len - 1] != '\n')
    ol_buf_putc(out, '\n');
  ol_free(text);
  ol_free(d);
}

/* Before/After: the block, plus the whole lines of every edit outside it
 * (an import at the top of the file), in file order, joined by `...`. */
static void snippets(const ol_source *src, ol_fix *fix, uint32_t bstart, uint32_t bend) {
  range rs[16];
  size_t n = 0;
  rs[n++] = (range){bstart, bend};
  for (size_t i = 0; i < fix->n_edits && n < 16; i++) {
    uint32_t s = fix->edits[i].deleted.byte_offset, e = s + fix->edits[i].deleted.byte_length;
    if (s >= bstart && e <= bend)
      continue;
    const char *text = fix->edits[i].inserted;
    size_t tl = strlen(text);
    if (s == e && s == ol_source_line_start(src, s) && tl && text[tl - 1] == '\n') {
      rs[n++] = (range){s, s}; /* whole new lines: shown in the After only */
      continue;
    }
    rs[n++] = (range){ol_source_line_start(src, s), line_end_of(src, e)};
  }
  /* Sort and merge. */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && rs[j].start < rs[j - 1].start; j--) {
      range t = rs[j];
      rs[j] = rs[j - 1];
      rs[j - 1] = t;
    }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m && rs[i].start <= rs[m - 1].end) {
      if (rs[i].end > rs[m - 1].end)
        rs[m - 1].end = rs[i].end;
    } else
      rs[m++] = rs[i];
  }
  ol_buf before = {0}, after = {0};
  for (size_t i = 0; i < m; i++) {
    render(src, fix, rs[i], false, &before);
    render(src, fix, rs[i], true, &after);
  }
  fix->before = ol_buf_take(&before);
  fix->after = ol_buf_take(&after);
}

/* The file's line ending, from its first line: "\r\n", "\r" or "\n". */
static const char *newline_of(const ol_source *src) {
  for (uint32_t i = 0; i < src->len; i++) {
    if (src->bytes[i] == '\n')
      return "\n";
    if (src->bytes[i] == '\r')
      return i + 1 < src->len && src->bytes[i + 1] == '\n' ? "\r\n" : "\r";
  }
  return "\n";
}

/* Rules write "\n"; the file keeps its own line endings. */
static char *with_newlines(const char *text, const char *nl) {
  if (!strcmp(nl, "\n"))
    return ol_strdup(text);
  ol_buf b = {0};
  for (const char *c = text; *c; c++) {
    if (*c == '\n' && (c == text || c[-1] != '\r'))
      ol_buf_puts(&b, nl);
    else
      ol_buf_putc(&b, *c);
  }
  return ol_buf_take(&b);
}

/* Builds the fix: sorted replacements, snippets; NULL when it does not parse. */
/* A fix is proven on the top-level statements it touches: Python's
 * top-level statements parse on their own, so the file's tree is parsed once
 * for their boundaries, and each fix parses only its statements, before and
 * after (a whole-file parse per fix is quadratic on a file with many). */
typedef struct {
  const ol_source *src;
  const ol_file_facts *facts; /* of src: its statements' starts (ol_file_facts.stmt_starts) */
  uint32_t *bounds;           /* starts of the top-level statements' lines, then len */
  size_t n_bounds;
  int32_t *errors; /* per statement (bounds[k] to bounds[k + 1]): its syntax errors, -1 not
                      parsed yet (each is parsed once, whatever the number of fixes in it) */
  bool broken;     /* the last fix refused edits a statement that does not parse as it is */
  size_t parsed;   /* bytes the proofs parsed so far */
} base_tree;

/* Proving a fix parses the statements it touches; a thousand fixes in one
 * huge statement would parse it a thousand times. Past this many times the
 * file's size, the file's remaining fixes are withheld. */
#define PROOF_FACTOR 8
#define PROOF_SLACK ((size_t)4 << 20)

static bool over_budget(const base_tree *bt) {
  return bt->parsed > PROOF_FACTOR * (size_t)bt->src->len + PROOF_SLACK;
}

/* Whether the facts' statement starts are those of src: ascending line starts within it. */
static bool starts_fit(const ol_file_facts *f, const ol_source *src) {
  if (!f || !f->stmt_starts.len)
    return false;
  for (size_t i = 0; i < f->stmt_starts.len; i++) {
    uint32_t at = f->stmt_starts.items[i];
    if (at >= src->len || (i && at <= f->stmt_starts.items[i - 1]) ||
        ol_source_line_start(src, at) != at)
      return false;
  }
  return true;
}

/* The statements' bounds: from pass 1 (ol_file_facts.stmt_starts) when they
 * are those of src, else from a parse of the whole file. */
static void load_bounds(TSParser *p, base_tree *bt) {
  const ol_source *src = bt->src;
  const ol_file_facts *f = starts_fit(bt->facts, src) ? bt->facts : NULL;
  TSTree *t = f ? NULL : ol_parse(p, src->bytes, src->len);
  TSNode root = t ? ts_tree_root_node(t) : (TSNode){0};
  uint32_t n = f ? (uint32_t)f->stmt_starts.len : ts_node_child_count(root);
  bt->bounds = ol_malloc((n + 2) * sizeof(uint32_t));
  bt->bounds[bt->n_bounds++] = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t at = f ? f->stmt_starts.items[i]
                    : ol_source_line_start(src, ts_node_start_byte(ts_node_child(root, i)));
    if (at > bt->bounds[bt->n_bounds - 1])
      bt->bounds[bt->n_bounds++] = at;
  }
  bt->bounds[bt->n_bounds++] = src->len;
  bt->errors = ol_malloc(bt->n_bounds * sizeof(int32_t));
  for (size_t k = 0; k < bt->n_bounds; k++)
    bt->errors[k] = -1;
  if (t)
    ts_tree_delete(t);
}

/* The syntax errors of statement k, parsed on its own once. */
static int32_t statement_errors(TSParser *p, base_tree *bt, size_t k) {
  if (bt->errors[k] < 0) {
    uint32_t s0 = bt->bounds[k], s1 = bt->bounds[k + 1];
    bt->parsed += s1 - s0;
    bt->errors[k] = (int32_t)ol_parse_error_count(p, bt->src->bytes + s0, s1 - s0);
  }
  return bt->errors[k];
}

/* Whether the statements the edits touch parse without a syntax error, before and after them.
 * A fix in a statement that does not parse is not proven by anything: it is withheld (and the
 * statement is parsed once for all of its fixes, not once per fix). */
static bool still_parses(TSParser *p, base_tree *bt, const ol_replacement *edits, size_t n) {
  if (!bt->bounds)
    load_bounds(p, bt);
  const ol_source *src = bt->src;
  ol_buf after = {0};
  size_t e = 0;
  for (size_t k = 0; k + 1 < bt->n_bounds; k++) {
    uint32_t s0 = bt->bounds[k], s1 = bt->bounds[k + 1];
    bool touched = false;
    for (size_t i = 0; i < n && !touched; i++) {
      uint32_t a = edits[i].deleted.byte_offset, b = a + edits[i].deleted.byte_length;
      touched = (a >= s0 && a < s1) || (b > s0 && b <= s1) || (a <= s0 && b >= s1) ||
                (a == s1 && s1 == src->len);
    }
    if (!touched)
      continue;
    if (statement_errors(p, bt, k) > 0) {
      bt->broken = true;
      ol_buf_free(&after);
      return false;
    }
    uint32_t at = s0;
    for (; e < n && edits[e].deleted.byte_offset < s1 + (s1 == src->len); e++) {
      uint32_t a = edits[e].deleted.byte_offset, b = a + edits[e].deleted.byte_length;
      if (a < at)
        continue;
      ol_buf_add(&after, src->bytes + at, a - at);
      ol_buf_puts(&after, edits[e].inserted);
      at = b < s1 ? b : s1;
    }
    ol_buf_add(&after, src->bytes + at, s1 > at ? s1 - at : 0);
    if (after.len && after.s[after.len - 1] != '\n')
      ol_buf_putc(&after, '\n');
  }
  bt->parsed += after.len;
  bool ok = ol_parse_error_count(p, after.s ? after.s : "", (uint32_t)after.len) == 0;
  ol_buf_free(&after);
  return ok;
}

/* A message quotes names and code from the file (a column named by a
 * megabyte string): at most OL_MESSAGE_MAX bytes of it are kept. Takes m. */
static char *capped_message(char *m) {
  if (!m || strlen(m) <= OL_MESSAGE_MAX)
    return m;
  char *cut = ol_text_brief(m, strlen(m), OL_MESSAGE_MAX - 3); /* with its "..." */
  ol_free(m);
  return cut;
}

static ol_fix *build_fix(TSParser *p, base_tree *bt, ol_fix_draft *d) {
  const ol_source *src = bt->src;
  if (d->edits.len > 1)
    qsort(d->edits.items, d->edits.len, sizeof(ol_edit), by_start);
  for (size_t i = 1; i < d->edits.len; i++)
    if (d->edits.items[i].start < d->edits.items[i - 1].end)
      return NULL; /* overlapping: a rule bug */
  ol_fix *fix = ol_calloc(1, sizeof *fix);
  fix->description = capped_message(ol_strdup(d->description));
  fix->applicability = d->applicability;
  fix->n_edits = d->edits.len;
  fix->edits = ol_calloc(d->edits.len ? d->edits.len : 1, sizeof(ol_replacement));
  for (size_t i = 0; i < d->edits.len; i++) {
    fix->edits[i].deleted = ol_source_region(src, d->edits.items[i].start, d->edits.items[i].end);
    fix->edits[i].inserted = with_newlines(d->edits.items[i].text, newline_of(src));
  }
  bool ok = still_parses(p, bt, fix->edits, fix->n_edits);
  /* The block as whole lines, before and after. */
  uint32_t bstart = ol_source_line_start(src, d->block.start),
           bend = line_end_of(src, d->block.end);
  fix->block_offset = bstart;
  fix->block_length = bend - bstart;
  snippets(src, fix, bstart, bend);
  if (ok) {
    bt->parsed += strlen(fix->after);
    ok = ol_parse_error_count(p, fix->after, (uint32_t)strlen(fix->after)) == 0;
  }
  if (!ok) {
    ol_fix_free(fix);
    return NULL;
  }
  ol_fix_cap_snippets(fix); /* once proven: the After parsed whole */
  return fix;
}

/* A location in this file, or in another file of the project (its region
 * from that file read again; a file that changed meanwhile gives line 0). */
static ol_location location(ol_engine *e, uint32_t file, const ol_source *src, ol_draft_loc *d) {
  ol_location l = {.message = capped_message(d->message)};
  d->message = NULL;
  uint32_t at = d->file < 0 ? file : (uint32_t)d->file;
  const ol_source *in = at == file ? src : ol_engine_aux_source(e, at);
  l.path = ol_strdup(e->index.files.items[at].path);
  if (in)
    l.region = ol_source_region(in, d->span.start, d->span.end);
  else
    l.region =
        (ol_region){.byte_offset = d->span.start, .byte_length = d->span.end - d->span.start};
  return l;
}

/* A hash of the rule and the line's text without whitespace: the
 * fingerprint's base, over the whole line (the finding keeps an excerpt). */
static uint64_t whole_line_hash(const char *code, const ol_source *src, uint32_t line) {
  uint64_t h = ol_fnv(OL_FNV_OFFSET, code, strlen(code));
  uint32_t at = src->line_starts[line - 1];
  uint32_t end = line < src->n_lines ? src->line_starts[line] : src->len;
  for (; at < end && src->bytes[at] != '\n' && src->bytes[at] != '\r'; at++)
    if (src->bytes[at] != ' ' && src->bytes[at] != '\t')
      h = ol_fnv(h, src->bytes + at, 1);
  return h;
}

/* Builds and proves d's fix into f, within the file's proof budget (own):
 * a fix that does not parse, or the first one past the budget, is a
 * notification. */
static void attach_fix(ol_engine *e, uint32_t file, base_tree *own, ol_draft *d, ol_finding *f,
                       ol_notes *notes) {
  if (over_budget(own)) {
    if (own->parsed != (size_t)-1) /* said once per file */
      ol_notes_add(notes, OL_NOTE_WARNING, f->path, f->region.line,
                   ol_format("fixes from line %u on were withheld: proving them would parse more "
                             "than %d times the file",
                             f->region.line, PROOF_FACTOR));
    own->parsed = (size_t)-1;
    return;
  }
  /* A fix may edit another file (the query that loaded the rows). */
  const ol_source *fsrc = own->src;
  uint32_t ferrors = own->facts->parse_errors;
  bool other = d->fix->file >= 0 && (uint32_t)d->fix->file != file;
  if (other)
    fsrc = ol_engine_source(e, (uint32_t)d->fix->file, &ferrors);
  base_tree there = {.src = fsrc,
                     .facts = other ? ol_engine_facts_of(e, (uint32_t)d->fix->file) : NULL};
  own->broken = false;
  f->fix = !fsrc ? NULL : build_fix(ol_engine_parser(e), other ? &there : own, d->fix);
  bool broken = other ? there.broken : own->broken;
  own->parsed += there.parsed;
  ol_free(there.bounds);
  ol_free(there.errors);
  if (f->fix && other)
    f->fix->path = ol_strdup(e->index.files.items[d->fix->file].path);
  if (!f->fix && broken)
    ol_notes_add(notes, OL_NOTE_WARNING, f->path, f->region.line,
                 ol_format("%s fix on line %u was withheld: the code it edits does not parse",
                           d->rule->code, f->region.line));
  else if (!f->fix)
    ol_notes_add(notes, OL_NOTE_WARNING, f->path, f->region.line,
                 ol_format("%s fix on line %u was withheld: the rewritten code did not parse%s",
                           d->rule->code, f->region.line,
                           ferrors ? " (the file has syntax errors)"
                                   : " (please report this as an ormlint bug)"));
}

void ol_fixes_from_drafts(ol_engine *e, uint32_t file, const ol_source *src,
                          const ol_file_facts *facts, ol_drafts *drafts, ol_findings *out,
                          ol_notes *notes) {
  const char *rel = e->index.files.items[file].path;
  base_tree own = {.src = src, .facts = facts};
  for (size_t i = 0; i < drafts->len; i++) {
    ol_draft *d = &drafts->items[i];
    ol_finding f = {.rule = d->rule, .path = ol_strdup(rel)};
    f.region = ol_source_region(src, d->span.start, d->span.end);
    f.message = capped_message(d->message);
    d->message = NULL;
    f.line_text = ol_source_line_excerpt(src, d->span.start, OL_EXCERPT_MAX, &f.line_text_col);
    f.line_hash = whole_line_hash(d->rule->code, src, f.region.line);
    f.advice = d->advice, f.n_advice = d->n_advice;
    d->advice = NULL, d->n_advice = 0;
    if (d->n_related)
      f.related = ol_calloc(d->n_related, sizeof(ol_location));
    for (size_t j = 0; j < d->n_related; j++)
      f.related[f.n_related++] = location(e, file, src, &d->related[j]);
    if (d->n_flow)
      f.flow = ol_calloc(d->n_flow, sizeof(ol_location));
    for (size_t j = 0; j < d->n_flow; j++)
      f.flow[f.n_flow++] = location(e, file, src, &d->flow[j]);
    if (d->fix && !e->lazy_fixes)
      attach_fix(e, file, &own, d, &f, notes);
    ol_vec_push(out, f);
  }
  ol_free(own.bounds);
  ol_free(own.errors);
}

/* ---- order and fingerprints ---------------------------------------------- */

static int cmp_finding(const void *a, const void *b) {
  const ol_finding *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  if (x->region.line != y->region.line)
    return x->region.line < y->region.line ? -1 : 1;
  if (x->region.col != y->region.col)
    return x->region.col < y->region.col ? -1 : 1;
  return strcmp(x->rule->code, y->rule->code);
}

static int cmp_note(const void *a, const void *b) {
  const ol_notification *x = a, *y = b;
  int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
  if (c)
    return c;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return strcmp(x->message, y->message);
}

typedef struct {
  uint64_t hash;
  size_t index; /* in the report's order */
} line_hash;

static int cmp_line_hash(const void *a, const void *b) {
  const line_hash *x = a, *y = b;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* A hash of the rule and the line's text without whitespace, numbered when
 * the same line text repeats in a file (in report order): stable when lines
 * move. Sorted by hash, file by file: n log n for 50,000 findings in a file. */
static void fingerprint(ol_report *r) {
  line_hash *hs = ol_malloc((r->n_findings ? r->n_findings : 1) * sizeof *hs);
  for (size_t i = 0; i < r->n_findings; i++)
    hs[i] = (line_hash){r->findings[i].line_hash, i};
  for (size_t start = 0, end; start < r->n_findings; start = end) {
    for (end = start + 1;
         end < r->n_findings && !strcmp(r->findings[end].path, r->findings[start].path);)
      end++;
    qsort(hs + start, end - start, sizeof *hs, cmp_line_hash);
    for (size_t i = start, occurrence = 1; i < end; i++) {
      occurrence = i > start && hs[i - 1].hash == hs[i].hash ? occurrence + 1 : 1;
      r->findings[hs[i].index].fingerprint =
          ol_format("%016llx:%zu", (unsigned long long)hs[i].hash, occurrence);
    }
  }
  ol_free(hs);
}

void ol_report_sort(ol_report *r) {
  if (r->n_findings > 1)
    qsort(r->findings, r->n_findings, sizeof(ol_finding), cmp_finding);
  if (r->n_notes > 1)
    qsort(r->notes, r->n_notes, sizeof(ol_notification), cmp_note);
  for (size_t i = 0; i < r->n_findings; i++) {
    ol_free(r->findings[i].fingerprint);
    r->findings[i].fingerprint = NULL;
  }
  fingerprint(r);
  if (r->n_findings > OL_MAX_RESULTS) {
    for (size_t i = OL_MAX_RESULTS; i < r->n_findings; i++)
      ol_finding_free(&r->findings[i]);
    r->findings_dropped += r->n_findings - OL_MAX_RESULTS;
    r->n_findings = OL_MAX_RESULTS;
  }
}
