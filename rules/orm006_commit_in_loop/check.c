/* ORM006 commit-in-loop: session.commit() / flush() on every iteration.
 * Fix (unsafe): one commit after the loop. Commits that are meant to run per
 * iteration (retry and first-success loops, batching conditions, per-item
 * transactions, flushes whose keys are read) are not reported. */
#include <string.h>

#include "fixtext.h"
#include "rule.h"
#include "rule_calls.h"

static ol_fix_draft *after_loop(const ol_rule_ctx *ctx, const ol_commit_site *c, const ol_loop *l) {
  uint32_t start = ol_fixtext_line_start(ctx, c->stmt.start),
           end = ol_fixtext_line_end(ctx, c->stmt.end);
  if (end < ctx->len && ctx->src[end] == '\r')
    end++;
  if (end < ctx->len && ctx->src[end] == '\n')
    end++;
  char *call = ol_strndup(ctx->src + c->span.start, c->span.end - c->span.start);
  char *indent = ol_fixtext_indent(ctx, l->stmt.start),
       *inner = ol_fixtext_indent(ctx, c->stmt.start);
  ol_fix_draft *f =
      ol_fix_draft_new(OL_FIX_UNSAFE,
                       ol_format("%s once, after the loop on line %u",
                                 c->flush ? "Flush" : "Commit", ol_rule_line(ctx, l->header.start)),
                       l->stmt);
  char *keep = c->alone_in_block ? ol_format("%spass\n", inner) : ol_strdup("");
  uint32_t after = ol_fixtext_line_end(ctx, l->stmt.end);
  if (after >= start && after < end) { /* the loop's last line: dedent it out of the loop */
    ol_fix_draft_edit(f, start, end, ol_format("%s%s%s\n", keep, indent, call));
    ol_free(keep);
  } else {
    ol_fix_draft_edit(f, start, end, keep);
    ol_fix_draft_edit(f, after, after, ol_format("\n%s%s", indent, call));
  }
  ol_free(call);
  ol_free(indent);
  ol_free(inner);
  return f;
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  ol_rule_report_calls(ctx, meta, OL_EFFECT_COMMIT,
                       "the commit is inside the function; commit once after the loop instead");
  for (size_t i = 0; i < ctx->facts->commits.len; i++) {
    const ol_commit_site *c = &ctx->facts->commits.items[i];
    if (c->exempt || !ol_rule_loop_repeats(ctx, c->loop))
      continue;
    const ol_loop *l = &ctx->facts->loops.items[c->loop];
    const char *why =
        ol_span_empty(c->stmt) ? "the call is part of a larger statement"
        : c->guarded
            ? "it runs only under a condition, which one commit after the loop would not keep"
        : l->insert_why        ? l->insert_why
        : !l->stmt_starts_line ? "the loop's statement shares its line with other code"
                               : NULL;
    char *brief = ol_fixtext_brief(ctx, c->span, 60);
    ol_draft *d =
        ol_draft_add(ctx, meta, c->span,
                     ol_format("`%s` %s on every iteration of the loop on line %u: %s%s%s", brief,
                               c->flush ? "flushes" : "commits", ol_rule_line(ctx, l->header.start),
                               c->flush ? "the pending changes go to the database row by row"
                                        : "one transaction per row",
                               why ? "; no automatic fix: " : "", why ? why : ""));
    ol_free(brief);
    ol_draft_relate(d, l->header, ol_strdup("the loop"));
    if (!why)
      d->fix = after_loop(ctx, c, l);
  }
}

const ol_rule ol_rule_orm006 = {
    .meta = {.code = "ORM006",
             .name = "commit-in-loop",
             .short_desc = "The session is committed or flushed on every iteration of a loop.",
             .full_desc =
                 "Committing (or flushing) inside a loop sends the pending changes and ends the "
                 "transaction once per row: one round trip, one fsync and an expired session each "
                 "time. Commit once, after the loop.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy,transactions"},
    .folder = "orm006_commit_in_loop",
    .check = check,
};
