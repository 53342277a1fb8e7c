/* Loops over a parameter that every caller fills with a value whose size the
 * code fixes (DESIGN.md "Real code": bounded loops): `validate(labels)` from
 * a command whose `labels` is a repeatable option, `check(["a", "b"])`.
 * Pass 1 records what each call passes ("B", a literal, "p<n>" the caller's
 * own parameter: facts.h ol_call_fact.args) and the names read as values; once
 * the calls are resolved, a parameter is bounded when its function has a call
 * in the project, every call passes it such a value (or leaves it a bounded
 * default), a parameter passed on being bounded in the caller in turn (a
 * least fixpoint, stopped after ROUNDS: stopping early only keeps findings).
 * A function the index cannot see every call of keeps its findings: a
 * method (dispatched on its receiver), a function read as a value or handed
 * to a decorator (facts.h value_refs), or one whose name an unresolved call
 * ends with. */
#include <string.h>

#include "hash.h"
#include "index.h"
#include "prefilter.h"

#define ROUNDS 8

/* The function whose body is the loop's scope (its name right after `def`). */
int32_t ol_index_loop_func(const ol_file_facts *f, const ol_loop *l) {
  int32_t best = -1;
  for (size_t i = 0; i < f->funcs.len; i++) {
    ol_span d = f->funcs.items[i].def.span;
    if (d.start >= l->scope.start && d.start < l->scope.start + 64 && d.end <= l->scope.end &&
        (best < 0 || d.start < f->funcs.items[best].def.span.start))
      best = (int32_t)i;
  }
  return best;
}

static uint64_t name_hash(const char *s) { return ol_fnv(OL_FNV_OFFSET, s, strlen(s)); }

/* Whether callee (dotted) is a name or a member of an imported name: what
 * may call a module's function when the index cannot say which (`plugin.clean()`
 * on an object cannot). */
static bool may_name_function(const ol_file_facts *facts, const char *callee) {
  const char *dot = strchr(callee, '.');
  if (!dot)
    return true;
  size_t n = (size_t)(dot - callee);
  for (size_t i = 0; i < facts->imports.len; i++) {
    const char *local = facts->imports.items[i].local;
    if (local && strlen(local) == n && !memcmp(local, callee, n))
      return true;
  }
  return false;
}

/* The names of functions some code may call unseen: read as values, or the
 * last part of a call the index did not resolve. */
static void unseen_names(const ol_index *ix, ol_name_set *out) {
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    for (size_t i = 0; i < facts->value_refs.len; i++)
      ol_name_set_add(out, facts->value_refs.items[i] ? facts->value_refs.items[i] : 1);
    for (size_t i = 0; i < facts->calls.len; i++) {
      const ol_call_fact *c = &facts->calls.items[i];
      const char *callee = c->callee;
      if (ix->files.items[f].call_target[i] >= 0 || !callee || c->recv_loop >= 0 ||
          c->recv_param >= 0 || c->recv_call >= 0 || !may_name_function(facts, callee))
        continue; /* resolved, or a method of an object (a row, self, what a call made) */
      const char *last = strrchr(callee, '.');
      uint64_t h = name_hash(last ? last + 1 : callee);
      ol_name_set_add(out, h ? h : 1);
    }
  }
  for (size_t t = 0; t < ix->funcs.len; t++) /* behind a decorator that may call it otherwise */
    if (ix->funcs.items[t].fn->decos && ix->funcs.items[t].wrapped) {
      uint64_t h = name_hash(ix->funcs.items[t].fn->name);
      ol_name_set_add(out, h ? h : 1);
    }
}

/* Whether the index sees every call of fn: a plain function, not a method
 * (dispatched on its receiver) nor a nested one, whose name no code reads as
 * a value nor calls unresolved. */
static bool calls_all_seen(const ol_func_fact *fn, const ol_name_set *unseen) {
  uint64_t h = name_hash(fn->name);
  return fn->kind == OL_FN_FUNCTION && !fn->cls && fn->outer < 0 &&
         !ol_name_set_has(unseen, h ? h : 1);
}

/* The caller's parameter (below 31) token v passes on, -1. */
static int passed_param(const char *v, size_t n) {
  if (!v || n < 2 || *v != 'p')
    return -1;
  int q = 0;
  for (size_t i = 1; i < n && q < 1000; i++)
    q = q * 10 + (v[i] - '0');
  return q < 31 ? q : -1;
}

/* Per function id: the parameters its loops iterate, then those it passes
 * on to a needed parameter of a function it calls (ROUNDS deep); only for
 * functions whose every call the index sees. */
static void needed_params(const ol_index *ix, uint32_t *need) {
  ol_name_set unseen = {0};
  unseen_names(ix, &unseen);
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_index_file *file = &ix->files.items[f];
    for (size_t i = 0; i < file->facts->loops.len; i++) {
      const ol_loop *l = &file->facts->loops.items[i];
      if (l->rows_param < 0 || l->rows_param >= 31 || l->parent >= 0 || l->is_async)
        continue; /* `async for`: its callers pass streams, never a display */
      int32_t fi = ol_index_loop_func(file->facts, l);
      const ol_func_fact *fn = fi >= 0 ? &file->facts->funcs.items[fi] : NULL;
      if (fn && calls_all_seen(fn, &unseen) && (uint32_t)l->rows_param < fn->n_params &&
          !(fn->rebound >> l->rows_param & 1))
        need[file->first_func + (uint32_t)fi] |= 1u << l->rows_param;
    }
  }
  for (int r = 0, more = 1; more && r < ROUNDS; r++) {
    more = 0;
    for (uint32_t f = 0; f < ix->files.len; f++) {
      const ol_index_file *file = &ix->files.items[f];
      for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
        int32_t t = file->call_target[ci], from = file->facts->calls.items[ci].func;
        if (t < 0 || !need[t] || from < 0 ||
            !calls_all_seen(&file->facts->funcs.items[from], &unseen))
          continue;
        for (uint32_t p = 0; p < 31; p++) {
          size_t n = 0;
          const char *v = need[t] >> p & 1 ? ol_index_arg_value(ix, f, ci, t, p, &n) : NULL;
          int q = passed_param(v, n);
          uint32_t *caller = &need[file->first_func + (uint32_t)from];
          if (q >= 0 && !(*caller >> q & 1)) {
            *caller |= 1u << q;
            more = 1;
          }
        }
      }
    }
  }
  ol_name_set_free(&unseen);
}

/* Whether value token v (of a call in caller) is bounded: a literal, a
 * display, or a bounded parameter of the caller passed on. */
static bool token_bounded(const ol_index *ix, const ol_index_file *file, const ol_call_fact *c,
                          const char *v, size_t n) {
  if (!v || !n)
    return false;
  if (strchr("TFNisSB", *v))
    return true;
  int q = passed_param(v, n);
  if (q < 0 || c->func < 0)
    return false;
  const ol_summary *caller = &ix->funcs.items[file->first_func + (uint32_t)c->func];
  return !(caller->fn->rebound >> q & 1) && caller->bounded_params >> q & 1;
}

/* One round: what every call passes now. Returns whether a function changed. */
static bool round_once(ol_index *ix, const uint32_t *need, uint32_t *ok) {
  for (size_t t = 0; t < ix->funcs.len; t++)
    ok[t] = need[t] ? need[t] | 1u << 31 : 0; /* bit 31: no call seen yet */
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_index_file *file = &ix->files.items[f];
    for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
      int32_t t = file->call_target[ci];
      if (t < 0 || !need[t])
        continue;
      ok[t] &= ~(1u << 31);
      for (uint32_t p = 0; p < 31; p++) {
        if (!(ok[t] >> p & 1))
          continue;
        size_t n = 0;
        const char *v = ol_index_arg_value(ix, f, ci, t, p, &n);
        if (!token_bounded(ix, file, &file->facts->calls.items[ci], v, n))
          ok[t] &= ~(1u << p);
      }
    }
  }
  bool changed = false;
  for (size_t t = 0; t < ix->funcs.len; t++) {
    uint32_t b = ok[t] >> 31 & 1 ? 0 : ok[t];
    changed |= b != ix->funcs.items[t].bounded_params;
    ix->funcs.items[t].bounded_params = b;
  }
  return changed;
}

void ol_index_bound_params(ol_index *ix) {
  if (!ix->funcs.len)
    return;
  uint32_t *need = ol_calloc(ix->funcs.len, sizeof *need);
  uint32_t *ok = ol_calloc(ix->funcs.len, sizeof *ok);
  needed_params(ix, need);
  bool any = false;
  for (size_t t = 0; t < ix->funcs.len && !any; t++)
    any = need[t] != 0;
  for (int r = 0; any && r < ROUNDS && round_once(ix, need, ok); r++)
    ;
  ol_free(need);
  ol_free(ok);
}

bool ol_index_loop_param_bounded(const ol_index *ix, uint32_t file, int loop) {
  const ol_index_file *fl = &ix->files.items[file];
  const ol_loop *l = &fl->facts->loops.items[loop];
  if (l->rows_param < 0 || l->rows_param >= 31 || l->parent >= 0 || l->is_async)
    return false;
  int32_t fi = ol_index_loop_func(fl->facts, l);
  return fi >= 0 &&
         ix->funcs.items[fl->first_func + (uint32_t)fi].bounded_params >> l->rows_param & 1;
}
