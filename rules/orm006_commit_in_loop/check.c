/* ORM006 commit-in-loop: session.commit() / flush() on every iteration.
 * Fix (unsafe): one commit after the loop. Commits that are meant to run per
 * iteration (retry and first-success loops, batching conditions, per-item
 * transactions, flushes whose keys are read) are not reported. */
#include <string.h>

#include "fixtext.h"
#include "rule.h"
#include "rule_calls.h"

static bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the word src[a, b) occurs in src[from, to) as a name (not an attribute). */
static bool uses_name(const char *s, uint32_t a, uint32_t b, uint32_t from, uint32_t to) {
  for (uint32_t q = from; q + (b - a) <= to; q++)
    if ((q == 0 || (!ident_char(s[q - 1]) && s[q - 1] != '.')) && !memcmp(s + q, s + a, b - a) &&
        (q + (b - a) == to || !ident_char(s[q + (b - a)])))
      return true;
  return false;
}

/* Whether the name at src[q, q + n) is an argument of its own to a call
 * (`notify(x)`, `f(a, x)`) whose callee is not a class (a model constructor). */
static bool passed_to_call(const char *s, uint32_t lo, uint32_t q, uint32_t n) {
  uint32_t b = q, e = q + n;
  while (b > lo && (s[b - 1] == ' ' || s[b - 1] == '\n' || s[b - 1] == '\r' || s[b - 1] == '\t'))
    b--;
  while (s[e] == ' ')
    e++;
  if (b == lo || (s[b - 1] != '(' && s[b - 1] != ',') || (s[e] != ',' && s[e] != ')'))
    return false;
  int depth = 0; /* find the `(` of the call it is an argument of */
  for (uint32_t p = b; p-- > lo;) {
    if (s[p] == ')' || s[p] == ']')
      depth++;
    else if ((s[p] == '(' || s[p] == '[') && depth-- == 0) {
      uint32_t c = p;
      while (c > lo && ident_char(s[c - 1]))
        c--;
      /* a container's method keeps the row for later: `rows.append(x)` */
      static const char *const KEEP[] = {"append", "extend", "add",     "insert", "setdefault",
                                         "update", "remove", "discard", "pop",    NULL};
      for (const char *const *k = KEEP; *k && c > lo && s[c - 1] == '.'; k++)
        if (p - c == strlen(*k) && !memcmp(s + c, *k, p - c))
          return false;
      return s[p] == '(' && c < p && !(s[c] >= 'A' && s[c] <= 'Z');
    }
  }
  return false;
}

/* Whether src[e, to), after a name's `=`, builds a new object: a call of a
 * class (`Job(...)`, `models.Job(...)`), the rows a flush gives keys to. */
static bool constructs(const char *s, uint32_t e, uint32_t to) {
  while (e < to && s[e] == ' ')
    e++;
  uint32_t last = e;
  while (e < to && (ident_char(s[e]) || s[e] == '.')) {
    if (s[e] == '.')
      last = e + 1;
    e++;
  }
  return e < to && s[e] == '(' && last < e && s[last] >= 'A' && s[last] <= 'Z';
}

/* Whether src[from, to), the rest of an iteration after a commit, hands an
 * object the loop created to other code (a notification, a task, a
 * signal): it may read it from another connection, or act on it outside
 * the transaction, so only a commit per item is right. */
static bool hands_on_new_rows(const ol_rule_ctx *ctx, const ol_loop *l, uint32_t from,
                              uint32_t to) {
  const char *s = ctx->src;
  static const char *const OUTSIDE[] = {".delay(", ".apply_async(", ".send(", ".enqueue(", NULL};
  for (const char *const *o = OUTSIDE; *o; o++)
    if (memmem(s + from, to - from, *o, strlen(*o)))
      return true;
  for (uint32_t p = l->node.start; p < from; p++) {
    if (s[p] != '\n' && s[p] != '\r')
      continue;
    uint32_t a = p + 1;
    while (a < from && (s[a] == ' ' || s[a] == '\t'))
      a++;
    uint32_t b = a;
    while (b < from && ident_char(s[b]))
      b++;
    uint32_t e = b;
    while (e < from && s[e] == ' ')
      e++;
    if (b == a || e + 1 >= from || s[e] != '=' || s[e + 1] == '=' || !constructs(s, e + 1, from))
      continue; /* not a row the iteration created */
    for (uint32_t q = from; q + (b - a) <= to; q++)
      if (!ident_char(s[q - 1]) && s[q - 1] != '.' && !memcmp(s + q, s + a, b - a) &&
          !ident_char(s[q + (b - a)]) && passed_to_call(s, from, q, b - a))
        return true;
  }
  return false;
}

/* Whether src[from, to) — the rest of the iteration after a commit or
 * flush — reads `.id`, or uses an object the loop created or added (a name
 * assigned in the body, `session.add(x)`, `.append(x)`): through its
 * repr, a signal, a helper or a map, it may read the generated key or a
 * server default, which exist only once the session has flushed. */
static bool reads_new_rows(const ol_rule_ctx *ctx, const ol_loop *l, uint32_t from, uint32_t to) {
  const char *s = ctx->src;
  for (uint32_t p = from; p + 3 <= to; p++)
    if (!memcmp(s + p, ".id", 3) && (p + 3 == to || !ident_char(s[p + 3])))
      return true;
  for (uint32_t p = l->node.start; p < from; p++) {
    uint32_t a = 0, b = 0;
    bool add = from - p >= 5 && !memcmp(s + p, ".add(", 5),
         append = from - p >= 8 && !memcmp(s + p, ".append(", 8);
    if (add || append) {
      a = b = p + (add ? 5 : 8);
      while (b < from && ident_char(s[b]))
        b++;
      if (b >= from || s[b] != ')')
        continue;
    } else if ((s[p] == '\n' || s[p] == '\r') &&
               p + 1 < from) { /* `name = ...` at the start of a line */
      a = p + 1;
      while (a < from && (s[a] == ' ' || s[a] == '\t'))
        a++;
      b = a;
      while (b < from && ident_char(s[b]))
        b++;
      uint32_t e = b;
      while (e < from && s[e] == ' ')
        e++;
      if (e + 1 >= from || s[e] != '=' || s[e + 1] == '=')
        continue;
    } else {
      continue;
    }
    if (b > a && uses_name(s, a, b, from, to))
      return true;
  }
  return false;
}

/* Whether the loop is followed at once, at its own indentation, by the
 * same call: the commit after the loop is there already. */
static bool commit_follows(const ol_rule_ctx *ctx, const ol_commit_site *c, const ol_loop *l) {
  uint32_t p = ol_fixtext_line_end(ctx, l->stmt.end);
  while (p < ctx->len && strchr(" \t\r\n", ctx->src[p]))
    p++;
  uint32_t n = c->span.end - c->span.start;
  return p + n <= ctx->len && !memcmp(ctx->src + p, ctx->src + c->span.start, n) &&
         p - ol_fixtext_line_start(ctx, p) ==
             l->stmt.start - ol_fixtext_line_start(ctx, l->stmt.start);
}

/* One commit after the loop; `flush_in_loop`: the commit in the loop
 * becomes a flush (the iteration reads the new rows' keys), and the
 * transaction still ends once, after the loop. */
static ol_fix_draft *after_loop(const ol_rule_ctx *ctx, const ol_commit_site *c, const ol_loop *l,
                                bool flush_in_loop) {
  uint32_t start = ol_fixtext_line_start(ctx, c->stmt.start),
           end = ol_fixtext_line_end(ctx, c->stmt.end);
  if (end < ctx->len && ctx->src[end] == '\r')
    end++;
  if (end < ctx->len && ctx->src[end] == '\n')
    end++;
  char *call = ol_strndup(ctx->src + c->span.start, c->span.end - c->span.start);
  char *indent = ol_fixtext_indent(ctx, l->stmt.start),
       *inner = ol_fixtext_indent(ctx, c->stmt.start);
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      flush_in_loop ? ol_format("Flush in the loop (it reads the new rows' generated keys) and "
                                "commit once, after the loop on line %u",
                                ol_rule_line(ctx, l->header.start))
                    : ol_format("%s once, after the loop on line %u", c->flush ? "Flush" : "Commit",
                                ol_rule_line(ctx, l->header.start)),
      l->stmt);
  bool again = commit_follows(ctx, c, l);
  if (flush_in_loop) {
    const char *m = memmem(call, strlen(call), "commit", 6);
    uint32_t at = c->span.start + (uint32_t)(m - call);
    ol_fix_draft_edit(f, at, at + 6, ol_strdup("flush"));
    if (!again) {
      uint32_t after = ol_fixtext_line_end(ctx, l->stmt.end);
      ol_fix_draft_edit(f, after, after, ol_format("\n%s%s", indent, call));
    }
  } else {
    char *keep = c->alone_in_block ? ol_format("%spass\n", inner) : ol_strdup("");
    uint32_t after = ol_fixtext_line_end(ctx, l->stmt.end);
    if (after >= start && after < end) { /* the loop's last line: dedent it out of the loop */
      ol_fix_draft_edit(f, start, end,
                        again ? ol_strdup(keep) : ol_format("%s%s%s\n", keep, indent, call));
      ol_free(keep);
    } else {
      ol_fix_draft_edit(f, start, end, keep);
      if (!again)
        ol_fix_draft_edit(f, after, after, ol_format("\n%s%s", indent, call));
    }
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
    if (c->exempt || !ol_rule_loop_repeats(ctx, c->loop) ||
        ol_rule_branch_works_outside(ctx, c->loop, c->branch, c->span) ||
        ol_index_lookup_queries(ctx->index, ctx->file, c->miss))
      continue; /* the last: get-or-create, a commit per new key */
    const ol_loop *l = &ctx->facts->loops.items[c->loop];
    /* A flush whose new rows the iteration then hands to other code (a log
     * line, a signal, a helper): that code needs their keys now, so the
     * flush is per item by design, and it ends no transaction. */
    if (c->flush && !ol_span_empty(c->stmt) && hands_on_new_rows(ctx, l, c->stmt.end, l->node.end))
      continue;
    const char *why =
        ol_span_empty(c->stmt) ? "the call is part of a larger statement"
        : c->guarded
            ? "it runs only under a condition, which one commit after the loop would not keep"
        : l->insert_why        ? l->insert_why
        : !l->stmt_starts_line ? "the loop's statement shares its line with other code"
        : l->kind == OL_LOOP_WHILE
            ? "a while loop that commits works in batches, each its own transaction by design"
        : c->flush && reads_new_rows(ctx, l, c->stmt.end, l->node.end)
            ? "the iteration uses the flushed objects afterwards, and their keys and server "
              "defaults exist only once they are flushed"
        : !c->flush && hands_on_new_rows(ctx, l, c->stmt.end, l->node.end)
            ? "the iteration hands the rows it committed to other code (a notification, a task, "
              "a signal), which may act on them outside this transaction"
        : memmem(ctx->src + l->node.start, l->node.end - l->node.start, "yield", 5)
            ? "the loop yields: whoever consumes it works between the commits"
        : memmem(ctx->src + l->node.start, l->node.end - l->node.start, "rollback", 8)
            ? "the loop rolls back failed items one by one; with one commit after it, a "
              "rollback would undo every earlier item too"
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
      d->fix = after_loop(ctx, c, l, !c->flush && reads_new_rows(ctx, l, c->stmt.end, l->node.end));
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
