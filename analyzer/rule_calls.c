/* Call-site findings shared by ORM001, ORM003 and ORM006 (DESIGN.md
 * "Calls"): a call made on every iteration of a loop to a function, method
 * or property that runs a query, a count or a commit itself or through
 * further calls. Reported at the call site, with the real site as a related
 * location and the call path as a code flow. */
#include <string.h>

#include "fixtext.h"
#include "rule_calls.h"

static const char *const effect_what[] = {"runs a query", "runs a count query", "commits"};

const char *ol_rule_loop_word(ol_loop_kind k) {
  return k == OL_LOOP_WHILE           ? "while loop"
         : k == OL_LOOP_COMPREHENSION ? "comprehension"
         : k == OL_LOOP_CALLBACK      ? "per-element callback"
                                      : "loop";
}

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* `for _ in range(attempts)` / `for _i in range(n)`: a count of attempts
 * (a leading underscore says so; `"name-%d" % _i` may number them). It
 * walks data when the count is a length (`range(len(ids))`) or the body
 * indexes with it (`ids[_i]`). Past MAX_ATTEMPT_LOOP bytes, the plain
 * answer. */
#define MAX_ATTEMPT_LOOP 65536
static bool counts_attempts(const ol_rule_ctx *ctx, const ol_loop *l) {
  const char *t = ctx->src + l->target.start, *it = ctx->src + l->iterable.start;
  uint32_t tn = l->target.end - l->target.start;
  if (l->kind != OL_LOOP_FOR || ol_span_empty(l->target) || *t != '_' ||
      l->iterable.end - l->iterable.start <= 6 || memcmp(it, "range(", 6) ||
      memmem(it, l->iterable.end - l->iterable.start, "len(", 4) ||
      l->node.end - l->iterable.end > MAX_ATTEMPT_LOOP)
    return false;
  for (uint32_t i = 0; i < tn; i++)
    if (!word_char(t[i]))
      return false; /* `for _, x in ...`: not a plain count */
  for (uint32_t p = l->iterable.end; p + tn <= l->node.end; p++) {
    if (memcmp(ctx->src + p, t, tn) || word_char(ctx->src[p - 1]) ||
        (p + tn < l->node.end && word_char(ctx->src[p + tn])))
      continue;
    uint32_t b = p, e = p + tn;
    while (b > l->iterable.end && (ctx->src[b - 1] == ' ' || ctx->src[b - 1] == '\t'))
      b--;
    while (e < l->node.end && (ctx->src[e] == ' ' || ctx->src[e] == '\t'))
      e++;
    if (ctx->src[b - 1] == '[' || (e < l->node.end && ctx->src[e] == ']'))
      return false; /* `ids[_i]`: the count indexes data */
  }
  return true;
}

/* `for k in _config_keys()`: the iterable is a call of a project function
 * every return of which is a display of constants or configuration (or a
 * name bound once, to that call), so the loop is bounded like one over the
 * display (DESIGN.md "Real code": bounded loops). Known
 * only once calls resolve, after pass 1 gave the loop's body its context: a
 * loop nested in another keeps its findings, which name the inner loop but
 * still run per iteration of the outer one. */
static bool over_fixed_call(const ol_rule_ctx *ctx, const ol_loop *l) {
  if (l->parent >= 0 || l->kind == OL_LOOP_WHILE || ol_span_empty(l->iterable))
    return false;
  int32_t c = ol_facts_call_at(ctx->facts, l->iterable);
  /* `names = _config_keys()` then `for k in names`: the call the name is bound to, itself */
  if (c < 0 && !ol_span_empty(l->rows_call) && !l->rows_via && !l->iterable_rebound &&
      !l->iterable_changes && l->rows.query.start == l->rows_call.start &&
      l->rows.query.end == l->rows_call.end)
    c = ol_facts_call_at(ctx->facts, l->rows_call);
  int32_t t = c >= 0 ? ol_index_call_target(ctx->index, ctx->file, (size_t)c) : -1;
  return t >= 0 && ctx->index->funcs.items[t].fn->fixed_ret > 0;
}

bool ol_rule_loop_repeats(const ol_rule_ctx *ctx, int loop) {
  const ol_loop *l = &ctx->facts->loops.items[loop];
  return !((l->kind == OL_LOOP_WHILE || counts_attempts(ctx, l)) && l->exits) &&
         !l->external_work && !over_fixed_call(ctx, l) &&
         !ol_index_loop_fixed_attr(ctx->index, ctx->file, l) &&
         !ol_index_loop_param_bounded(ctx->index, ctx->file, loop);
}

static bool loop_within(const ol_file_facts *f, int inner, int loop) {
  for (int l = inner; l >= 0; l = f->loops.items[l].parent)
    if (l == loop)
      return true;
  return false;
}

/* Whether the loop commits (itself or through a call): a commit expires
 * every object of the session, and a get of an expired one refreshes it
 * with a SELECT. */
bool ol_rule_loop_expires(const ol_rule_ctx *ctx, int loop) {
  const ol_file_facts *f = ctx->facts;
  const ol_loop *l = &f->loops.items[loop];
  if (l->expires)
    return true;
  for (size_t i = 0; i < f->commits.len; i++)
    if (f->commits.items[i].span.start >= l->node.start &&
        f->commits.items[i].span.end <= l->node.end && !f->commits.items[i].flush)
      return true;
  for (size_t i = ol_facts_first_call(f, l->node.start);
       i < f->calls.len && f->calls.items[i].at.span.start < l->node.end; i++) {
    int32_t t = ol_index_call_target(ctx->index, ctx->file, i);
    if (t >= 0 && ctx->index->funcs.items[t].expires)
      return true;
  }
  return false;
}

/* A call that gets by primary key only the row its loop holds, in a loop
 * that does not commit: an identity-map read, no SQL. */
static bool gets_held(const ol_rule_ctx *ctx, size_t call, int32_t callee) {
  int l = ol_index_call_gets_held(ctx->index, ctx->file, call, callee);
  return l >= 0 && !ol_rule_loop_expires(ctx, l);
}

bool ol_rule_loop_works_outside(const ol_rule_ctx *ctx, int loop) {
  const ol_file_facts *f = ctx->facts;
  const ol_loop *l = &f->loops.items[loop];
  if (l->external_work)
    return true;
  for (size_t i = ol_facts_first_call(f, l->node.start);
       i < f->calls.len && f->calls.items[i].at.span.start < l->node.end; i++) {
    const ol_call_fact *c = &f->calls.items[i];
    int32_t t = c->loop >= 0 && !c->in_branch && loop_within(f, c->loop, loop)
                    ? ol_index_call_target(ctx->index, ctx->file, i)
                    : -1;
    if (t >= 0 && ctx->index->funcs.items[t].external)
      return true;
  }
  return false;
}

/* Calls of a loop read for each commit in one of its branches: past them,
 * the plain answer (reported), so a crafted loop costs no more. */
#define MAX_BRANCH_CALLS 4096

static bool span_within(ol_span inner, ol_span outer) {
  return !ol_span_empty(outer) && outer.start <= inner.start && inner.end <= outer.end;
}

bool ol_rule_branch_works_outside(const ol_rule_ctx *ctx, int loop, ol_span branch, ol_span site) {
  if (ol_rule_loop_works_outside(ctx, loop))
    return true;
  const ol_file_facts *f = ctx->facts;
  const ol_loop *l = &f->loops.items[loop];
  if (ol_span_empty(branch) || span_within(branch, l->outside_branch))
    return !ol_span_empty(branch);
  size_t first = ol_facts_first_call(f, l->node.start);
  for (size_t i = first; i < f->calls.len && i - first < MAX_BRANCH_CALLS &&
                         f->calls.items[i].at.span.start < l->node.end;
       i++) {
    const ol_call_fact *c = &f->calls.items[i];
    bool self = c->at.span.start == site.start && c->at.span.end == site.end;
    int32_t t = c->loop == loop && !self && span_within(branch, c->branch)
                    ? ol_index_call_target(ctx->index, ctx->file, i)
                    : -1;
    if (t >= 0 && ctx->index->funcs.items[t].external)
      return true;
  }
  return false;
}

/* A call whose callee both queries and counts runs two costs per iteration:
 * ORM001 reports the queries and ORM003 the counts (the call is not a count
 * query itself, which would be ORM003's alone). */
static bool wanted(const ol_summary *s, ol_effect e) { return s->has[e]; }

/* Whether what callee does is a cache read on a call that passes it the
 * same arguments on every iteration (a memoized function, or one whose
 * effect goes through one keyed on its arguments). */
static bool memoized(const ol_index *ix, int32_t callee, ol_effect e) {
  return ix->funcs.items[callee].fn->memoized || ix->funcs.items[callee].memo[e];
}

/* Whether a function on the path from callee to where it does e also calls
 * out of the process: each call is a unit of outside work (a certificate
 * rotated at a cloud provider, a mail sent), whose commit keeps what was done
 * outside recorded and whose lookups are not what a maintainer tunes. Every
 * function on that path does e, so its file is parsed with or without the
 * prefilter. */
static bool path_works_outside(const ol_index *ix, int32_t callee, ol_effect e) {
  int32_t f = callee;
  for (int i = 0; i < OL_MAX_HOPS * 4 && f >= 0; i++) {
    if (ix->funcs.items[f].fn->external)
      return true;
    f = ix->funcs.items[f].via[e].callee;
  }
  return false;
}

static void report(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_effect e, int loop,
                   ol_span span, int32_t callee, const char *why_no_fix) {
  const ol_index *ix = ctx->index;
  if (path_works_outside(ix, callee, e))
    return;
  const ol_loop *l = &ctx->facts->loops.items[loop];
  const char *site_text;
  uint32_t site_file;
  const ol_place *site = ol_index_effect_site(ix, callee, e, &site_file, &site_text);
  if (!site)
    return;
  ol_hop hops[OL_MAX_HOPS];
  size_t n = ol_index_effect_path(ix, callee, e, hops);
  ol_buf chain = {0};
  /* The names along the path: `a` -> `b` -> `c`. */
  int32_t f = callee;
  for (size_t i = 0; i < n && f >= 0; i++) {
    char *name = ol_index_func_name(ix, f);
    ol_buf_puts(&chain, i ? " -> `" : "`");
    ol_buf_puts(&chain, name);
    ol_buf_putc(&chain, '`');
    ol_free(name);
    f = ix->funcs.items[f].via[e].callee;
  }
  char *names = ol_buf_take(&chain);
  char *text = ol_fixtext_brief(ctx, span, 60);
  char *msg = ol_format(
      "`%s` %s once per iteration of the %s on line %u, through %s: `%s` at "
      "%s:%u%s; no automatic fix: %s",
      text, effect_what[e], ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start), names,
      site_text ? site_text : "?", ix->files.items[site_file].path,
      ol_rule_line_in(ctx, site_file, site->span.start),
      memoized(ix, callee, e) ? " (memoized, but keyed on a value that changes per iteration: each "
                                "new value runs it on a cold cache)"
                              : "",
      why_no_fix);
  ol_draft *d = ol_draft_add(ctx, meta, span, msg);
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  static const char *const site_words[] = {"the query it runs", "the count it runs",
                                           "the commit it runs"};
  ol_draft_relate_at(d, site_file, site->span, ol_strdup(site_words[e]));
  ol_draft_flow(d, -1, span,
                ol_format("called once per iteration of the %s on line %u",
                          ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start)));
  for (size_t i = 0; i < n; i++) {
    ol_draft_flow(d, (int32_t)hops[i].file, hops[i].at->span, hops[i].message);
    hops[i].message = NULL;
  }
  ol_free(text);
  ol_free(names);
}

/* `f(...).filter(...).first()` in a loop, where f returns a query; or
 * `q.filter(...).first()` in a loop after `q = f(...)`. */
static void report_terminal(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_effect e,
                            const ol_call_fact *c, int loop, int32_t builder,
                            const char *why_no_fix) {
  const ol_loop *l = &ctx->facts->loops.items[loop];
  const ol_call_term *term = ol_call_term_of(ctx->facts, c);
  const ol_summary *b = &ctx->index->funcs.items[builder];
  const char *path = ctx->index->files.items[b->file].path;
  char *name = ol_index_func_name(ctx->index, builder);
  char *msg = ol_format("`%s` %s once per iteration of the %s on line %u, on the query `%s` "
                        "returns (%s:%u); no automatic fix: %s",
                        term->text, effect_what[e], ol_rule_loop_word(l->kind),
                        ol_rule_line(ctx, l->header.start), name, path,
                        ol_rule_line_in(ctx, b->file, b->fn->def.span.start), why_no_fix);
  ol_draft *d = ol_draft_add(ctx, meta, term->at.span, msg);
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  ol_draft_relate_at(d, b->file, b->fn->def.span, ol_format("`%s` builds the query", name));
  ol_draft_flow(d, -1, c->at.span, ol_format("`%s` returns a query", name));
  ol_draft_flow(d, (int32_t)b->file, b->fn->def.span, ol_format("`%s` builds it", name));
  ol_draft_flow(d, -1, term->at.span,
                ol_format("run once per iteration of the %s on line %u", ol_rule_loop_word(l->kind),
                          ol_rule_line(ctx, l->header.start)));
  ol_free(name);
}

/* Whether `row.attr` at span is followed by a call's parentheses. */
static bool called_at(const ol_rule_ctx *ctx, ol_span span) {
  uint32_t i = span.end;
  while (i < ctx->len && (ctx->src[i] == ' ' || ctx->src[i] == '\t'))
    i++;
  return i < ctx->len && ctx->src[i] == '(';
}

ol_span ol_rule_call_span(const ol_rule_ctx *ctx, ol_span span) {
  const ol_file_facts *f = ctx->facts;
  ol_span best = span;
  for (size_t lo = ol_facts_first_call(f, span.start);
       lo < f->calls.len && f->calls.items[lo].at.span.start == span.start; lo++)
    if (f->calls.items[lo].at.span.end > span.end &&
        (best.end == span.end || f->calls.items[lo].at.span.end < best.end))
      best = f->calls.items[lo].at.span;
  return best;
}

int32_t ol_rule_row_member(const ol_rule_ctx *ctx, const ol_attr_read *r, const char **entity) {
  const ol_rows *rows;
  uint32_t rf;
  int32_t rfn;
  *entity = ol_index_loop_entity(ctx->index, ctx->file, r->loop, &rows, &rf, &rfn);
  if (!*entity || ol_index_relation(ctx->index, *entity, r->attr))
    return -1;
  const char *last = ol_last_component(*entity);
  int32_t m = ol_index_method(ctx->index, last, -1, r->attr);
  if (m < 0)
    return -1;
  ol_fn_kind k = ctx->index->funcs.items[m].fn->kind;
  if (k == OL_FN_PROPERTY)
    return called_at(ctx, r->span) ? -1 : m;
  return k != OL_FN_SETTER && called_at(ctx, r->span) ? m : -1;
}

void ol_rule_report_calls(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_effect e,
                          const char *why_no_fix) {
  const ol_file_facts *facts = ctx->facts;
  for (size_t i = 0; i < facts->calls.len; i++) {
    const ol_call_fact *c = &facts->calls.items[i];
    const ol_call_term *term = ol_call_term_of(facts, c);
    /* The loop the terminal on what the call returns runs in: the call's own, or, on a name bound
     * to the call's result (`q = f()` before the loop), the terminal's. */
    int term_loop = !term ? -1 : term->direct ? c->loop : term->loop;
    if (term_loop >= 0 && !term->direct && !ol_rule_loop_repeats(ctx, term_loop))
      term_loop = -1;
    int32_t t =
        c->loop >= 0 || term_loop >= 0 ? ol_index_call_target(ctx->index, ctx->file, i) : -1;
    if (t >= 0 && term_loop >= 0 && ctx->index->funcs.items[t].returns_query &&
        e == (term->count ? OL_EFFECT_COUNT : OL_EFFECT_QUERY))
      report_terminal(ctx, meta, e, c, term_loop, t, why_no_fix);
    if (c->loop < 0)
      continue;
    if (t < 0 || !ol_index_call_runs(ctx->index, ctx->file, i, e) ||
        !ol_rule_loop_repeats(ctx, c->loop))
      continue;
    if (e == OL_EFFECT_QUERY && c->in_except)
      continue; /* an error path: run on the iterations that failed */
    if (memoized(ctx->index, t, e) && !c->args_loop)
      continue; /* the same arguments every iteration: a cache hit after the first */
    if (e == OL_EFFECT_QUERY && gets_held(ctx, i, t))
      continue; /* a get by the key of the loop's row: the identity map answers it */
    if (ctx->index->funcs.items[t].self_memo[e] && ol_index_call_on_self(ctx->index, ctx->file, i))
      continue; /* a memo on self: loaded once for this instance, not per iteration */
    if (e == OL_EFFECT_COMMIT &&
        (c->commit_exempt || ol_rule_branch_works_outside(ctx, c->loop, c->branch, c->at.span) ||
         ctx->index->funcs.items[t].commit_on_miss ||
         ol_index_lookup_queries(ctx->index, ctx->file, c->miss) ||
         (facts->loops.items[c->loop].kind != OL_LOOP_FOR &&
          facts->loops.items[c->loop].kind != OL_LOOP_WHILE)))
      continue;
    report(ctx, meta, e, c->loop, c->at.span, t, why_no_fix);
  }
  /* Properties read on rows: `user.score` runs what the property runs. */
  for (size_t i = 0; i < facts->reads.len; i++) {
    const ol_attr_read *r = &facts->reads.items[i];
    const char *entity;
    int32_t m = ol_rule_row_member(ctx, r, &entity);
    if (m < 0 || ctx->index->funcs.items[m].fn->kind != OL_FN_PROPERTY ||
        !wanted(&ctx->index->funcs.items[m], e))
      continue;
    report(ctx, meta, e, r->loop, ol_rule_call_span(ctx, r->span), m, why_no_fix);
  }
}
