/* Text output for people, in the shape ruff users know: a location line, the
 * source line with a caret underline, the fix as a small diff, a summary.
 * `--statistics` prints one line per rule instead. Colour only when asked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "source.h"
#include "writer.h"

#define TAB_WIDTH 4
#define REPLACEMENT_CHAR "\xEF\xBF\xBD"
/* Above this many cells the line diff falls back to "all removed, all added". */
#define MAX_DIFF_CELLS (1u << 22)

#define STYLE_BOLD "1"
#define STYLE_CODE "1;31"
#define STYLE_CARET "1;31"
#define STYLE_GUTTER "1;34"
#define STYLE_FIX "1;36"
#define STYLE_DEL "31"
#define STYLE_ADD "32"

typedef struct {
  FILE *out;
  bool color;
} text_out;

static void paint(const text_out *t, const char *style, const char *s, size_t len) {
  if (t->color)
    fprintf(t->out, "\033[%sm", style);
  fwrite(s, 1, len, t->out);
  if (t->color)
    fputs("\033[0m", t->out);
}

static void paints(const text_out *t, const char *style, const char *s) {
  paint(t, style, s, strlen(s));
}

/* Text that comes from the analysed files (paths, messages quoting code):
 * a control character in it would reach the terminal as a command. */
static void put_quoted(const text_out *t, const char *style, const char *s) {
  char *safe = ol_text_printable(s, 0, NULL);
  if (style)
    paints(t, style, safe);
  else
    fputs(safe, t->out);
  ol_free(safe);
}

static unsigned digits(uint32_t n) {
  unsigned d = 1;
  while (n >= 10)
    n /= 10, d++;
  return d;
}

/* ---- source line and caret --------------------------------------------- */

/* Length of the UTF-8 character at s (at most n bytes), or 0 when the bytes
 * there are not one valid character. *units gets its UTF-16 length. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *units) {
  int len = ol_utf8_len(s, n);
  *units = len == 4 ? 2 : 1;
  return (size_t)len;
}

typedef struct {
  ol_buf text;      /* the line as displayed: tabs expanded, bad bytes replaced */
  ol_buf marks;     /* spaces and carets, cell for cell under text */
  uint32_t cells;   /* display width so far */
  size_t marks_end; /* marks up to the last caret */
} snippet;

static void snippet_add(snippet *sn, const char *bytes, size_t len, uint32_t width, bool marked) {
  ol_buf_add(&sn->text, bytes, len);
  for (uint32_t i = 0; i < width; i++)
    ol_buf_putc(&sn->marks, marked ? '^' : ' ');
  sn->cells += width;
  if (marked)
    sn->marks_end = sn->marks.len;
}

/* Adds the character at s (n bytes left), advancing the UTF-16 column *u16;
 * returns how many bytes it took. */
static size_t snippet_char(snippet *sn, const unsigned char *s, size_t n, uint32_t *u16,
                           bool mark) {
  uint32_t units = 1;
  size_t len = utf8_char(s, n, &units);
  if (s[0] == '\t') {
    uint32_t w = TAB_WIDTH - sn->cells % TAB_WIDTH;
    snippet_add(sn, "        ", w, w, mark);
  } else if (len == 0 || s[0] < 0x20 || s[0] == 0x7F) {
    snippet_add(sn, REPLACEMENT_CHAR, 3, 1, mark);
  } else {
    snippet_add(sn, (const char *)s, len, 1, mark);
  }
  *u16 += units;
  return len ? len : 1;
}

/* A region on several lines is underlined to the end of its first line; an
 * empty one gets one caret at its start. */
static bool in_region(const ol_region *r, uint32_t u16) {
  if (u16 < r->col)
    return false;
  if (r->end_line > r->line)
    return true;
  return u16 < r->end_col || (r->end_col <= r->col && u16 == r->col);
}

/* line starts at UTF-16 column first (an excerpt of a long line). */
static void snippet_build(snippet *sn, const char *line, uint32_t first, const ol_region *r) {
  const unsigned char *s = (const unsigned char *)line;
  size_t n = strlen(line);
  uint32_t u16 = first ? first : 1;
  for (size_t i = 0; i < n;)
    i += snippet_char(sn, s + i, n - i, &u16, in_region(r, u16));
  if (sn->marks_end == 0) { /* the region starts at or past the end of the line */
    while (sn->marks.len < sn->cells)
      ol_buf_putc(&sn->marks, ' ');
    ol_buf_putc(&sn->marks, '^');
    sn->marks_end = sn->marks.len;
  }
}

static void put_gutter(const text_out *t, unsigned width, uint32_t line) {
  char g[32];
  if (line)
    snprintf(g, sizeof g, "%*u |", (int)width, (unsigned)line);
  else
    snprintf(g, sizeof g, "%*s |", (int)width, "");
  paints(t, STYLE_GUTTER, g);
}

static void put_source(const text_out *t, const ol_finding *f, unsigned width) {
  snippet sn = {0};
  snippet_build(&sn, f->line_text, f->line_text_col, &f->region);
  put_gutter(t, width, 0);
  fputc('\n', t->out);
  put_gutter(t, width, f->region.line);
  if (sn.text.len)
    fprintf(t->out, " %s", sn.text.s);
  fputc('\n', t->out);
  put_gutter(t, width, 0);
  fputc(' ', t->out);
  size_t first = strspn(sn.marks.s, " ");
  fwrite(sn.marks.s, 1, first, t->out);
  paint(t, STYLE_CARET, sn.marks.s + first, sn.marks_end - first);
  fputc('\n', t->out);
  put_gutter(t, width, 0);
  fputc('\n', t->out);
  ol_buf_free(&sn.text);
  ol_buf_free(&sn.marks);
}

/* ---- fix diff ---------------------------------------------------------- */

typedef struct {
  const char *s;
  size_t len;
} line_ref;
typedef OL_VEC(line_ref) line_vec;

static void split_lines(const char *text, line_vec *v) {
  size_t left = text ? strlen(text) : 0;
  while (left) {
    size_t len = ol_line_length(text, left), br = ol_line_break(text + len, left - len);
    ol_vec_push(v, ((line_ref){text, len}));
    text += len + br, left -= len + br;
  }
}

static bool same_line(line_ref a, line_ref b) {
  return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
}

static void put_diff_line(const text_out *t, unsigned indent, char sign, line_ref l) {
  fprintf(t->out, "%*s", (int)indent, "");
  const char *style = sign == '-' ? STYLE_DEL : STYLE_ADD;
  char *raw = ol_strndup(l.s, l.len), *safe = ol_text_printable(raw, 0, NULL);
  if (sign == ' ' || !t->color)
    fprintf(t->out, "%c %s\n", sign, safe);
  else
    fprintf(t->out, "\033[%sm%c %s\033[0m\n", style, sign, safe);
  ol_free(raw);
  ol_free(safe);
}

/* lcs[i * (m + 1) + j] = length of the longest common subsequence of a[i..]
 * and b[j..]; walking it from (0, 0) gives a minimal line diff. */
static uint32_t *lcs_table(const line_vec *a, const line_vec *b) {
  size_t n = a->len, m = b->len;
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS)
    return NULL;
  uint32_t *L = ol_calloc((n + 1) * (m + 1), sizeof *L);
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;) {
      uint32_t down = L[(i + 1) * (m + 1) + j], right = L[i * (m + 1) + j + 1];
      L[i * (m + 1) + j] = same_line(a->items[i], b->items[j]) ? L[(i + 1) * (m + 1) + j + 1] + 1
                           : down >= right                     ? down
                                                               : right;
    }
  return L;
}

static void put_diff(const text_out *t, unsigned indent, const char *before, const char *after) {
  line_vec a = {0}, b = {0};
  split_lines(before, &a);
  split_lines(after, &b);
  uint32_t *L = lcs_table(&a, &b);
  size_t i = 0, j = 0, m = b.len;
  while (i < a.len || j < b.len) {
    if (L && i < a.len && j < b.len && same_line(a.items[i], b.items[j])) {
      put_diff_line(t, indent, ' ', a.items[i++]);
      j++;
    } else if (i < a.len &&
               (j == b.len || !L || L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1])) {
      put_diff_line(t, indent, '-', a.items[i++]);
    } else {
      put_diff_line(t, indent, '+', b.items[j++]);
    }
  }
  ol_free(L);
  ol_vec_free(&a);
  ol_vec_free(&b);
}

static void put_fix(const text_out *t, const ol_fix *fix, unsigned width) {
  fprintf(t->out, "%*s", (int)width + 1, "");
  char label[32];
  snprintf(label, sizeof label,
           "= fix (%s):", fix->applicability == OL_FIX_SAFE ? "safe" : "unsafe");
  paints(t, STYLE_FIX, label);
  fputc(' ', t->out);
  put_quoted(t, NULL, fix->description);
  if (fix->path) {
    fputs(" in ", t->out);
    put_quoted(t, NULL, fix->path);
  }
  fputc('\n', t->out);
  put_diff(t, width + 3, fix->before, fix->after);
}

/* ---- findings and summary ---------------------------------------------- */

static void put_finding(const text_out *t, const ol_finding *f, bool show_fixes) {
  const ol_region *r = &f->region;
  put_quoted(t, STYLE_BOLD, f->path ? f->path : "-");
  fprintf(t->out, ":%u:%u: ", (unsigned)r->line, (unsigned)r->col);
  paints(t, STYLE_CODE, f->rule ? f->rule->code : "ORM000");
  fputc(' ', t->out);
  put_quoted(t, NULL, f->message);
  fputc('\n', t->out);
  unsigned width = digits(r->line);
  if (f->line_text)
    put_source(t, f, width);
  if (f->fix && show_fixes)
    put_fix(t, f->fix, width);
  fputc('\n', t->out);
}

static void put_note(const text_out *t, const ol_notification *n) {
  if (n->path)
    put_quoted(t, STYLE_BOLD, n->path);
  if (n->path && n->line)
    fprintf(t->out, ":%u", (unsigned)n->line);
  fprintf(t->out, "%s%s: ", n->path ? ": " : "", ol_note_level_name(n->level));
  put_quoted(t, NULL, n->message);
  fputc('\n', t->out);
}

static void put_summary(const text_out *t, const ol_report *report) {
  size_t safe = 0, unsafe = 0, total = report->n_findings + report->findings_dropped;
  for (size_t i = 0; i < report->n_findings; i++) {
    const ol_fix *fix = report->findings[i].fix;
    if (!fix)
      continue;
    if (fix->applicability == OL_FIX_SAFE)
      safe++;
    else
      unsafe++;
  }
  if (report->findings_dropped)
    fprintf(t->out, "%zu more findings were left out (at most %zu are reported per run).\n",
            report->findings_dropped, report->n_findings);
  if (total == 0) {
    paints(t, STYLE_BOLD, "All checks passed!");
    fputc('\n', t->out);
    return;
  }
  fprintf(t->out, "Found %zu finding%s", total, total == 1 ? "" : "s");
  if (safe + unsafe)
    fprintf(t->out, " (%zu fixable with --fix, %zu with --unsafe-fixes)", safe, unsafe);
  fputs(".\n", t->out);
}

/* ---- statistics -------------------------------------------------------- */

typedef struct {
  const char *code, *name;
  size_t count;
  bool fixable;
} rule_count;
typedef OL_VEC(rule_count) count_vec;

static void count_finding(count_vec *v, const ol_finding *f) {
  const char *code = f->rule ? f->rule->code : "ORM000";
  size_t i = 0;
  while (i < v->len && strcmp(v->items[i].code, code) != 0)
    i++;
  if (i == v->len)
    ol_vec_push(v, ((rule_count){code, f->rule ? f->rule->name : "", 0, false}));
  v->items[i].count++;
  v->items[i].fixable |= f->fix != NULL;
}

static int by_count_then_code(const void *pa, const void *pb) {
  const rule_count *a = pa, *b = pb;
  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return strcmp(a->code, b->code);
}

static void put_statistics(const text_out *t, const ol_report *report) {
  count_vec v = {0};
  for (size_t i = 0; i < report->n_findings; i++)
    count_finding(&v, &report->findings[i]);
  if (v.len)
    qsort(v.items, v.len, sizeof *v.items, by_count_then_code);
  int count_width = v.len ? (int)digits((uint32_t)v.items[0].count) : 1;
  for (size_t i = 0; i < v.len; i++) {
    const rule_count *c = &v.items[i];
    fprintf(t->out, "%*zu\t", count_width, c->count);
    paints(t, STYLE_CODE, c->code);
    fprintf(t->out, "\t%s%s\n", c->fixable ? "[*] " : "    ", c->name);
  }
  ol_vec_free(&v);
  if (report->files_unparsed)
    fprintf(t->out,
            "%zu of %zu files not parsed: no ORM token, no name the project's index knows\n",
            report->files_unparsed, report->files_analyzed);
}

static int write_text(FILE *out, const ol_report *report, const ol_write_opts *opts) {
  const text_out t = {out, opts->color};
  if (opts->statistics) {
    put_statistics(&t, report);
  } else {
    for (size_t i = 0; i < report->n_findings; i++)
      put_finding(&t, &report->findings[i], opts->show_fixes);
    /* --quiet keeps the findings and the errors, drops the rest. Written to
     * the terminal, notifications go to stderr, as ruff's warnings do: stdout
     * holds the findings only, whatever a pipe downstream makes of them. */
    const text_out tn = {out == stdout ? stderr : out, opts->color};
    for (size_t i = 0; i < report->n_notes; i++)
      if (!opts->quiet || report->notes[i].level == OL_NOTE_ERROR)
        put_note(&tn, &report->notes[i]);
    if (!opts->quiet)
      put_summary(&t, report);
  }
  if (fflush(out) == EOF || ferror(out))
    return -1;
  return 0;
}

const ol_writer ol_writer_text = {"text", write_text};
