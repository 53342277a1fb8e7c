/* A parameter's model from its callers (DESIGN.md "Rows of a model"):
 * `def _clone_blocks(self, blocks): for b in blocks: b.person_links`, where
 * every call in the project passes `blocks` a collection of rows of one model
 * (`self._clone_blocks(sess.blocks)` over the rows of a query of Session), is
 * a loop over rows of that collection's target; `def update(form): for s in
 * form.sections` where every caller passes a row of RegistrationForm is a
 * loop over a collection of that row. Once the calls are resolved, a
 * parameter is typed when its function has a call in the project and every
 * call passes it a value of the same model, one row or rows alike: a loop's
 * row (of a query, of a collection, of a typed parameter), rows of a query,
 * `row.collection` / `row.scalar` on such a row or on a typed parameter, or a
 * typed parameter of the caller passed on (a least fixpoint, stopped after
 * ROUNDS: stopping early only keeps it unknown). What the callers' queries
 * load of it (their eager paths, taken below the collections on the way) is
 * joined: a relationship any caller loads is never reported.
 * Never guessed: a function the index cannot see every call of (read as a
 * value, handed to a decorator, its name called where the index resolves
 * nothing), a method whose name another class defines (an override may be
 * what a call runs), a nested function, a parameter the body binds again, a
 * call that passes something else or hides its arguments (a splat), and
 * options that come from a variable (`*opts`) leave it unknown. */
#include <string.h>

#include "hash.h"
#include "index.h"
#include "prefilter.h"

#define ROUNDS 8
#define MAX_VIA 4

enum { PT_NONE, PT_KNOWN, PT_UNKNOWN };

static uint64_t name_hash(const char *s) {
  uint64_t h = ol_fnv(OL_FNV_OFFSET, s, strlen(s));
  return h ? h : 1;
}

/* The names of functions some code may call unseen: read as values, handed
 * to decorators, or the last part of any call the index did not resolve
 * (`x.m()` on an object of a class it cannot tell). And the names of methods
 * that more than one class defines. */
static void unseen_names(const ol_index *ix, ol_name_set *out) {
  ol_name_set methods = {0};
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    for (size_t i = 0; i < facts->value_refs.len; i++)
      ol_name_set_add(out, facts->value_refs.items[i] ? facts->value_refs.items[i] : 1);
    for (size_t i = 0; i < facts->calls.len; i++) {
      const char *callee = facts->calls.items[i].callee;
      if (ix->files.items[f].call_target[i] >= 0 || !callee)
        continue;
      const char *last = strrchr(callee, '.');
      ol_name_set_add(out, name_hash(last ? last + 1 : callee));
    }
  }
  /* a function behind a decorator that may call it otherwise (ol_func_fact.decos) */
  for (size_t t = 0; t < ix->funcs.len; t++)
    if (ix->funcs.items[t].fn->decos && ix->funcs.items[t].wrapped)
      ol_name_set_add(out, name_hash(ix->funcs.items[t].fn->name));
  /* a method defined by two classes (or twice by one: a setter) may be overridden */
  for (size_t t = 0; t < ix->funcs.len; t++) {
    const ol_func_fact *fn = ix->funcs.items[t].fn;
    if (fn->cls && !ol_name_set_add(&methods, name_hash(fn->name)))
      ol_name_set_add(out, name_hash(fn->name));
  }
  ol_name_set_free(&methods);
}

/* Whether the index sees every call of fn and each passes its arguments as
 * they are written. */
static bool typable(const ol_index *ix, uint32_t id, const ol_name_set *unseen) {
  const ol_func_fact *fn = ix->funcs.items[id].fn;
  uint64_t salted = name_hash(fn->name) ^ OL_UNSEEN_CALL;
  if (ix->funcs.items[id].wrapped || fn->outer >= 0 ||
      ol_name_set_has(unseen, name_hash(fn->name)) || ol_name_set_has(unseen, salted ? salted : 1))
    return false;
  return fn->kind == OL_FN_FUNCTION || fn->kind == OL_FN_METHOD || fn->kind == OL_FN_STATIC ||
         fn->kind == OL_FN_CLASSMETHOD;
}

/* The loader paths of eager below relationship name (`J:blocks/S:person_links` below `blocks`
 * is `S:person_links`), appended to out, space-separated; a path marked `~` (loaded by
 * SQLAlchemy 1.x only, rows.c option_statement) keeps its mark. */
static void rebase(ol_buf *out, const char *eager, const char *name) {
  size_t nl = strlen(name);
  for (const char *p = eager; p && *p;) {
    bool v1 = *p == '~';
    p += v1;
    size_t len = strcspn(p, " ");
    const char *slash = memchr(p, '/', len);
    size_t seg = slash ? (size_t)(slash - p) : len;
    bool match = seg >= 2 && p[1] == ':' &&
                 ((seg - 2 == nl && !memcmp(p + 2, name, nl)) || (seg == 3 && p[2] == '*'));
    if (match && slash) {
      if (out->len)
        ol_buf_putc(out, ' ');
      if (v1)
        ol_buf_putc(out, '~');
      ol_buf_add(out, slash + 1, len - seg - 1);
    }
    p += len + (p[len] == ' ');
  }
}

/* A value of a model: one row or rows of it, and what loaded it (eager, owned). */
typedef struct {
  const char *entity;
  char *eager;
  bool many;
  bool from_query; /* rows of a query passed whole */
} pvalue;

const ol_param_type *ol_index_param_type(const ol_index *ix, int32_t func, uint32_t p) {
  const ol_summary *s = func >= 0 ? &ix->funcs.items[func] : NULL;
  return s && s->ptypes && p < s->n_ptypes && s->ptypes[p].state == PT_KNOWN &&
                 !(s->fn->rebound >> p & 1)
             ? &s->ptypes[p]
             : NULL;
}
#define param_type ol_index_param_type

int32_t ol_index_loop_func(const ol_file_facts *f, const ol_loop *l);

/* v, a row of a model (many false), read through attribute attr: the
 * collection's rows or the scalar's row, what loaded v taken below attr.
 * loop: iterated, so a collection whatever its direction; else it must be known. */
static bool through(const ol_index *ix, pvalue *v, const char *attr, bool loop) {
  const ol_relation *rel = v->many ? NULL : ol_index_collection(ix, v->entity, attr);
  if (!rel || !rel->target || !ol_index_model(ix, rel->target) || rel->lazy == OL_LAZY_DYNAMIC ||
      rel->lazy == OL_LAZY_WRITE_ONLY || rel->proxy_of || (!loop && !rel->direction_known))
    return false;
  ol_buf b = {0};
  rebase(&b, v->eager, rel->name);
  ol_free(v->eager);
  v->eager = ol_buf_take(&b);
  v->entity = rel->target;
  v->many = rel->collection;
  return true;
}

/* The row a loop's variable holds (col: 1 + the column of tuples, 0 one model). */
static bool loop_value(const ol_index *ix, uint32_t file, int loop, int col, pvalue *out) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const char *names[MAX_VIA];
  size_t n = 0;
  const ol_loop *l = &facts->loops.items[loop];
  while (l->has_rows && l->rows_parent >= 0) {
    if (n == MAX_VIA || !l->rows_via)
      return false;
    names[n++] = l->rows_via;
    l = &facts->loops.items[l->rows_parent];
  }
  memset(out, 0, sizeof *out);
  const ol_rows *rows = NULL;
  if (l->has_rows && l->self_attr &&
      (l->self_one || !l->rows.entity || !ol_index_model(ix, l->rows.entity))) {
    uint32_t rf;
    out->entity = ol_index_self_rows(ix, file, l, &rows, &rf);
    if (l->self_one)
      names[n++] = l->rows_via; /* n < MAX_VIA: the chain stopped before it */
  } else if (l->has_rows) {
    if (l->rows.dyn_rel || (l->rows.tuples ? col <= 0 || col > 4 || n : col != 0))
      return false;
    rows = &l->rows;
    out->entity = l->rows.tuples ? l->rows.cols[col - 1] : l->rows.entity;
    if (!out->entity && !l->rows.tuples && l->rows_via && !ol_span_empty(l->rows_call))
      out->entity = ol_index_returned_one(ix, file, l->rows_call); /* `e = M.get(i)` */
    if (l->rows_via) /* a collection of one row: from that row */
      names[n++] = l->rows_via;
  } else if (l->via_param >= 0 || l->rows_param >= 0) {
    const ol_param_type *pt =
        param_type(ix,
                   ol_index_loop_func(facts, l) >= 0
                       ? (int32_t)ix->files.items[file].first_func + ol_index_loop_func(facts, l)
                       : -1,
                   (uint32_t)(l->via_param >= 0 ? l->via_param : l->rows_param));
    if (!pt || col || pt->many != (l->rows_param >= 0))
      return false;
    out->entity = pt->entity;
    out->eager = ol_strdup(pt->rows.eager ? pt->rows.eager : "");
    if (l->via_param >= 0)
      names[n++] = l->rows_via;
  } else {
    return false; /* a project call's rows, a template's: what loads them is the rule's to read */
  }
  if (!out->entity || !ol_index_model(ix, out->entity) || (rows && rows->options_opaque)) {
    ol_free(out->eager);
    return false;
  }
  if (rows)
    out->eager = ol_strdup(rows->eager ? rows->eager : "");
  for (size_t i = n; i-- > 0;)
    if (!through(ix, out, names[i], true) || !out->many) { /* each step a collection of rows */
      ol_free(out->eager);
      return false;
    } else {
      out->many = false; /* the loop's variable: one row of it */
    }
  return true;
}

/* What call ci of file passes in its argument a; false when not known. */
static bool arg_value(const ol_index *ix, uint32_t file, size_t ci, uint32_t a, pvalue *out) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_call_fact *c = &facts->calls.items[ci];
  const ol_call_arg *arg = &ol_call_args(facts, c)[a];
  int32_t caller = c->func >= 0 ? (int32_t)ix->files.items[file].first_func + c->func : -1;
  memset(out, 0, sizeof *out);
  int32_t q = arg->param >= 0 ? arg->param : arg->attr_param;
  const ol_func_fact *cfn = caller >= 0 ? ix->funcs.items[caller].fn : NULL;
  if (q == 0 && arg->param < 0 && cfn && cfn->cls && cfn->kind != OL_FN_STATIC) {
    /* `self.event`: the one row the class (its bases, its subclasses) assigns it once */
    ol_loop as = {.self_cls = (char *)cfn->cls, .self_attr = arg->key_attr, .self_one = true};
    const ol_rows *rows;
    uint32_t rf;
    const char *e = cfn->kind == OL_FN_METHOD || cfn->kind == OL_FN_PROPERTY
                        ? ol_index_self_rows(ix, file, &as, &rows, &rf)
                        : NULL;
    if (!e || !rows || rows->options_opaque)
      return false;
    *out = (pvalue){e, ol_strdup(rows->eager ? rows->eager : ""), false, false};
    return true;
  }
  if (q >= 0) {
    const ol_param_type *pt =
        q < 32 && caller >= 0 && !(ix->funcs.items[caller].fn->rebound >> q & 1)
            ? param_type(ix, caller, (uint32_t)q)
            : NULL;
    if (!pt)
      return false;
    *out = (pvalue){pt->entity, ol_strdup(pt->rows.eager ? pt->rows.eager : ""), pt->many,
                    pt->from_query};
    return arg->param >= 0 || through(ix, out, arg->key_attr, false) ||
           (ol_free(out->eager), false);
  }
  if (arg->loop >= 0)
    return loop_value(ix, file, arg->loop, arg->col, out);
  if (arg->key_loop >= 0) {
    if (!loop_value(ix, file, arg->key_loop, 0, out))
      return false;
    if (through(ix, out, arg->key_attr, false))
      return true;
    ol_free(out->eager);
    return false;
  }
  if (arg->one && !arg->rows.tuples && !arg->rows.dyn_rel && !arg->rows.options_opaque &&
      ol_index_model(ix, arg->rows.entity)) {
    *out =
        (pvalue){arg->rows.entity, ol_strdup(arg->rows.eager ? arg->rows.eager : ""), false, false};
    return true;
  }
  if (arg->has_rows && !arg->rows.tuples && !arg->rows.dyn_rel && !arg->rows.options_opaque &&
      ol_index_model(ix, arg->rows.entity)) {
    *out =
        (pvalue){arg->rows.entity, ol_strdup(arg->rows.eager ? arg->rows.eager : ""), true, true};
    return true;
  }
  return false;
}

/* Per function: the parameters some loop iterates (`for x in p`) or reads a
 * collection of (`for x in p.coll`), then those passed on to such a parameter
 * of a function it calls (ROUNDS deep). */
static void needed_params(const ol_index *ix, const ol_name_set *unseen, uint32_t *need) {
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_index_file *file = &ix->files.items[f];
    for (size_t i = 0; i < file->facts->loops.len; i++) {
      const ol_loop *l = &file->facts->loops.items[i];
      int p = l->via_param >= 0 ? l->via_param : l->rows_param;
      int32_t fi = p >= 0 && p < 31 && !l->is_async ? ol_index_loop_func(file->facts, l) : -1;
      const ol_func_fact *fn = fi >= 0 ? &file->facts->funcs.items[fi] : NULL;
      if (fn && typable(ix, file->first_func + (uint32_t)fi, unseen) &&
          (uint32_t)p < fn->n_params && !(fn->rebound >> p & 1))
        need[file->first_func + (uint32_t)fi] |= 1u << p;
    }
  }
  for (uint32_t f = 0; f < ix->files.len; f++) { /* `self.event = event` */
    const ol_index_file *file = &ix->files.items[f];
    for (size_t i = 0; i < file->facts->self_facts.len; i++) {
      const ol_self_fact *sf = &file->facts->self_facts.items[i];
      const ol_func_fact *fn =
          sf->kind == OL_SELF_PARAM ? &file->facts->funcs.items[sf->func] : NULL;
      if (fn && typable(ix, file->first_func + (uint32_t)sf->func, unseen) &&
          !(fn->rebound >> sf->param & 1))
        need[file->first_func + (uint32_t)sf->func] |= 1u << sf->param;
    }
  }
  for (int r = 0, more = 1; more && r < ROUNDS; r++) {
    more = 0;
    for (uint32_t f = 0; f < ix->files.len; f++) {
      const ol_index_file *file = &ix->files.items[f];
      for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
        const ol_call_fact *c = &file->facts->calls.items[ci];
        int32_t t = file->call_target[ci];
        if (t < 0 || !need[t] || c->func < 0 ||
            !typable(ix, file->first_func + (uint32_t)c->func, unseen))
          continue;
        const ol_call_arg *args = ol_call_args(file->facts, c);
        for (uint32_t a = 0; a < c->n_args; a++) {
          int p = ol_index_call_param(ix, f, ci, a);
          int32_t q = args[a].param >= 0 ? args[a].param : args[a].attr_param;
          uint32_t *caller = &need[file->first_func + (uint32_t)c->func];
          if (p >= 0 && p < 31 && need[t] >> p & 1 && q >= 0 && q < 31 && !(*caller >> q & 1)) {
            *caller |= 1u << q;
            more = 1;
          }
        }
      }
    }
  }
}

static void value_free(pvalue *v) { ol_free(v->eager); }

/* Adds to *into (owned) each loader path of more it does not hold. */
static void join_paths(char **into, const char *more) {
  ol_buf b = {0};
  ol_buf_puts(&b, *into);
  for (const char *p = more; *p;) {
    size_t len = strcspn(p, " ");
    bool had = false;
    for (const char *q = *into; *q && !had && len;) {
      size_t ql = strcspn(q, " ");
      had = ql == len && !memcmp(p, q, len);
      q += ql + (q[ql] == ' ');
    }
    if (len && !had) {
      if (b.len)
        ol_buf_putc(&b, ' ');
      ol_buf_add(&b, p, len);
    }
    p += len + (p[len] == ' ');
  }
  ol_free(*into);
  *into = ol_buf_take(&b);
}

/* One round: what every call passes now. Returns whether a type changed. */
static bool round_once(ol_index *ix, const uint32_t *need) {
  size_t nf = ix->funcs.len;
  ol_param_type **next = ol_calloc(nf, sizeof *next); /* only for the functions needed */
  for (size_t t = 0; t < nf; t++)
    if (need[t])
      next[t] = ol_calloc(31, sizeof **next);
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_index_file *file = &ix->files.items[f];
    for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
      int32_t t = file->call_target[ci];
      if (t < 0 || !need[t])
        continue;
      const ol_call_fact *c = &file->facts->calls.items[ci];
      const ol_func_fact *fn = ix->funcs.items[t].fn;
      for (uint32_t p = 0; p < 31 && p < fn->n_params; p++) {
        ol_param_type *pt = &next[t][p];
        if (!(need[t] >> p & 1) || pt->state == PT_UNKNOWN)
          continue;
        int a = -1;
        for (uint32_t k = 0; c->args && k < c->n_args && a < 0; k++)
          if (ol_index_call_param(ix, f, ci, k) == (int)p)
            a = (int)k;
        pvalue v;
        if (a < 0 || !arg_value(ix, f, ci, (uint32_t)a, &v)) {
          pt->state = PT_UNKNOWN; /* passes something else, hides it, or leaves the default */
          continue;
        }
        if (pt->state == PT_NONE) {
          pt->state = PT_KNOWN;
          pt->entity = v.entity;
          pt->many = v.many;
          pt->from_query = v.from_query;
          pt->rows.eager = v.eager;
          continue;
        }
        if (strcmp(ol_last_component(pt->entity), ol_last_component(v.entity)) ||
            pt->many != v.many) {
          pt->state = PT_UNKNOWN; /* callers disagree */
          value_free(&v);
          continue;
        }
        pt->from_query |= v.from_query;
        join_paths(&pt->rows.eager, v.eager); /* what any caller loads is not reported */
        value_free(&v);
      }
    }
  }
  bool changed = false;
  for (size_t t = 0; t < nf; t++) {
    ol_summary *s = &ix->funcs.items[t];
    if (!need[t])
      continue;
    if (!s->ptypes) {
      s->n_ptypes = s->fn->n_params < 31 ? s->fn->n_params : 31;
      s->ptypes = ol_calloc(s->n_ptypes ? s->n_ptypes : 1, sizeof *s->ptypes);
    }
    for (uint32_t p = 0; p < s->n_ptypes; p++) {
      ol_param_type *now = &next[t][p], *was = &s->ptypes[p];
      if (now->state != PT_KNOWN)
        now->state = PT_UNKNOWN;
      bool same =
          now->state == was->state &&
          (now->state != PT_KNOWN ||
           (!strcmp(now->entity, was->entity) && now->many == was->many &&
            now->from_query == was->from_query && !strcmp(now->rows.eager, was->rows.eager)));
      changed |= !same;
      ol_free(was->rows.eager);
      *was = *now;
      now->rows.eager = NULL;
      was->rows.entity = was->state == PT_KNOWN ? (char *)was->entity : NULL;
      was->rows.origin = (char *)s->fn->params[p];
    }
  }
  for (size_t t = 0; t < nf; t++) {
    for (uint32_t p = 0; next[t] && p < 31; p++)
      ol_free(next[t][p].rows.eager);
    ol_free(next[t]);
  }
  ol_free(next);
  return changed;
}

void ol_index_type_params(ol_index *ix) {
  if (!ix->funcs.len)
    return;
  ol_name_set unseen = {0};
  unseen_names(ix, &unseen);
  uint32_t *need = ol_calloc(ix->funcs.len, sizeof *need);
  needed_params(ix, &unseen, need);
  bool any = false;
  for (size_t t = 0; t < ix->funcs.len && !any; t++)
    any = need[t] != 0;
  for (int r = 0; any && r < ROUNDS && round_once(ix, need); r++)
    ;
  ol_free(need);
  ol_name_set_free(&unseen);
}

const ol_param_type *ol_index_loop_param_type(const ol_index *ix, uint32_t file, int loop) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_loop *l = &facts->loops.items[loop];
  int p = l->via_param >= 0 ? l->via_param : l->rows_param;
  int32_t fi = p >= 0 ? ol_index_loop_func(facts, l) : -1;
  const ol_param_type *pt =
      fi >= 0 ? param_type(ix, (int32_t)ix->files.items[file].first_func + fi, (uint32_t)p) : NULL;
  return pt && pt->many == (l->via_param < 0) ? pt : NULL;
}
