/* ORM100 unused-noqa: a `# noqa: ORM00N` that silenced nothing this run
 * (ruff's RUF100). Codes of other tools (E501, F401) and bare `# noqa` are
 * left alone: other linters read them. Runs after suppression, only when
 * selected. Fix (safe): drop the unused codes, or the whole comment when
 * no code is left and nothing follows it. */
#include <string.h>

#include "fixtext.h"
#include "rule.h"
#include "suppress.h"

/* Whether a code (or prefix) listed in a noqa names a rule that ran. */
static bool judged(const ol_rule_ctx *ctx, const char *code, size_t n) {
  if (n < 3 || strncmp(code, "ORM", 3) != 0)
    return false;
  for (size_t i = 0; i < ctx->n_ran; i++)
    if (!strncmp(ctx->ran[i], code, n) && strcmp(ctx->ran[i], "ORM100") != 0)
      return true;
  return false;
}

static bool only_space(const char *s, const char *e) {
  for (; s < e; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return false;
  return true;
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  for (size_t i = 0; ctx->noqas && i < ctx->noqas->len; i++) {
    const ol_noqa *d = &ctx->noqas->items[i];
    if (d->bare)
      continue;
    ol_buf unused = {0}, keep = {0};
    size_t n_unused = 0;
    for (uint32_t c = 0; c < d->n_codes; c++) {
      const char *code = ctx->src + d->codes[c].at.start;
      size_t n = d->codes[c].at.end - d->codes[c].at.start;
      bool drop = !d->codes[c].used && judged(ctx, code, n);
      ol_buf *to = drop ? &unused : &keep;
      if (to->len)
        ol_buf_puts(to, ", ");
      ol_buf_add(to, code, n);
      n_unused += drop;
    }
    if (!n_unused) {
      ol_buf_free(&unused);
      ol_buf_free(&keep);
      continue;
    }
    char *codes = ol_buf_take(&unused), *rest = keep.len ? ol_buf_take(&keep) : NULL;
    ol_draft *dr = ol_draft_add(
        ctx, meta, d->comment,
        ol_format("Unused `noqa` directive: %s silenced nothing on line %u", codes, d->line));
    uint32_t line_end = ol_fixtext_line_end(ctx, d->comment.end);
    bool tail = !only_space(ctx->src + d->comment.end, ctx->src + line_end);
    if (rest) {
      dr->fix = ol_fix_draft_new(OL_FIX_SAFE, ol_format("Remove %s from the noqa list", codes),
                                 d->comment);
      ol_fix_draft_edit(dr->fix, d->list.start, d->list.end, ol_format(" %s", rest));
    } else if (!tail) {
      uint32_t from = d->comment.start;
      while (from > 0 && (ctx->src[from - 1] == ' ' || ctx->src[from - 1] == '\t'))
        from--;
      bool whole_line = from == ol_fixtext_line_start(ctx, d->comment.start);
      if (!whole_line) {
        dr->fix =
            ol_fix_draft_new(OL_FIX_SAFE, ol_strdup("Remove the unused noqa comment"), d->comment);
        ol_fix_draft_edit(dr->fix, from, d->comment.end, ol_strdup(""));
      }
    }
    ol_free(codes);
    ol_free(rest);
  }
}

const ol_rule ol_rule_orm100 = {
    .meta = {.code = "ORM100",
             .name = "unused-noqa",
             .short_desc = "A `# noqa` directive names an ormlint rule that reports nothing there.",
             .full_desc =
                 "A `# noqa: ORM00N` comment whose codes silenced no finding this run is stale: "
                 "the code it excused was fixed or moved, and it would hide the next real finding "
                 "on that line. Remove the unused codes.",
             .level = OL_LEVEL_NOTE,
             .precision = "very-high",
             .tags = "maintainability,noqa"},
    .folder = "orm100_unused_noqa",
    .check = check,
    .after_suppression = true,
    .default_off = true,
};
