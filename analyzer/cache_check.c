/* Checking facts read from the cache before anything uses them. A cache is
 * input like any file of the repository: whoever can write the project
 * directory can write .ormlint_cache/facts with a valid checksum, which
 * proves only that it was not damaged by accident. The facts' users trust
 * what the walker produces: every index points into its table (and a
 * loop's parent, a function's outer function come before it, so no chain
 * can cycle), every span lies inside the file and inside the span the
 * walker nests it in, every enum and flag holds a value the walker writes,
 * every fixed-size text is terminated, every name the users read without a
 * NULL check is there, and no import's name or level is beyond what the
 * walker records (OL_MAX_NAME_BYTES, OL_MAX_IMPORT_LEVEL). A record that
 * breaks one of these is dropped and its file parsed again. */
#include <string.h>

#include "cache.h"

typedef struct {
  const ol_file_facts *f;
  uint32_t len; /* of the file the facts are of */
  bool bad;
} check;

static void need(check *c, bool ok) { c->bad |= !ok; }

/* A bool is one byte holding 0 or 1; any other value is undefined to read. */
static void flag(check *c, const bool *b) {
  unsigned char v;
  memcpy(&v, b, 1);
  need(c, v <= 1);
}

static void span(check *c, ol_span s) { need(c, s.start <= s.end && s.end <= c->len); }

static void place(check *c, ol_place p) { span(c, p.span); }

/* inner lies within outer, as the walker records them (fix builders cut
 * outer's text at inner's ends); either may be absent. */
static void inside(check *c, ol_span inner, ol_span outer) {
  need(c, ol_span_empty(inner) || ol_span_empty(outer) ||
              (outer.start <= inner.start && inner.end <= outer.end));
}

/* -1 (none) or an index below n. */
static void index_or_none(check *c, int64_t i, size_t n) {
  need(c, i == -1 || (i >= 0 && (uint64_t)i < n));
}

/* -1 or an index below `before` (an enclosing item, recorded first). */
static void earlier(check *c, int64_t i, size_t before) { index_or_none(c, i, before); }

static void enum_below(check *c, const void *e, unsigned n) {
  int v;
  memcpy(&v, e, sizeof v);
  need(c, v >= 0 && (unsigned)v < n);
}

static void name(check *c, const char *s, bool required) { need(c, s || !required); }

/* A name resolution reads once per call of it: bounded like the walker's. */
static void short_name(check *c, const char *s, bool required) {
  name(c, s, required);
  need(c, !s || strlen(s) <= OL_MAX_NAME_BYTES);
}

/* A test of a parameter of a function of n_params: a known test, of one of them. */
static void guard(check *c, const ol_param_guard *g, uint32_t n_params) {
  need(c, g->test <= OL_PG_NE && (g->test == OL_PG_NONE || g->param < n_params));
}

static void text(check *c, const char *a, size_t n) { need(c, memchr(a, '\0', n) != NULL); }

static void rows(check *c, const ol_rows *r) {
  name(c, r->entity, false);
  span(c, r->query);
  span(c, r->stmt);
  span(c, r->options_args);
  span(c, r->last);
  span(c, r->assign);
  for (int k = 0; k < 4; k++)
    name(c, r->cols[k], false);
  name(c, r->dyn_owner, false);
  name(c, r->dyn_rel, r->dyn_owner != NULL);
  flag(c, &r->tuples);
  flag(c, &r->options_kw);
  flag(c, &r->options_read);
  flag(c, &r->options_opaque);
  span(c, r->get_key);
}

static void loops(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->loops.len && !c->bad; i++) {
    const ol_loop *l = &f->loops.items[i];
    enum_below(c, &l->kind, OL_LOOP_CALLBACK + 1);
    const bool *flags[] = {
        &l->is_async,        &l->has_rows,       &l->stmt_starts_line, &l->iterable_is_list,
        &l->iterable_finite, &l->lazy_generator, &l->target_rebound,   &l->writes_session,
        &l->has_jump,        &l->polls,          &l->iterable_changes, &l->bounded,
        &l->exits,           &l->external_work,  &l->expires,          &l->iterable_rebound};
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
      flag(c, flags[k]);
    rows(c, &l->rows);
    span(c, l->outside_branch);
    earlier(c, l->rows_parent, i);
    need(c, l->rows_param >= -1);
    earlier(c, l->parent, i);
    inside(c, l->header, l->node);
    inside(c, l->node, l->stmt);
    inside(c, l->target, l->header);
    inside(c, l->iterable, l->node);
    ol_span spans[] = {l->header, l->node, l->stmt, l->target, l->iterable, l->rows_call, l->scope};
    for (size_t k = 0; k < sizeof spans / sizeof *spans; k++)
      span(c, spans[k]);
    name(c, l->self_cls, l->self_attr != NULL);
    name(c, l->self_attr, l->self_cls != NULL);
    flag(c, &l->self_one);
    name(c, l->fixed_cls, l->fixed_attr != NULL);
    name(c, l->fixed_attr, l->fixed_cls != NULL);
    need(c, l->via_param >= -1 && l->via_param < 31 && (l->via_param < 0 || l->rows_via));
  }
  for (size_t i = 0; i < f->self_facts.len && !c->bad; i++) {
    const ol_self_fact *s = &f->self_facts.items[i];
    name(c, s->cls, true);
    name(c, s->attr, true);
    enum_below(c, &s->kind, OL_SELF_QUERY + 1);
    index_or_none(c, s->func, f->funcs.len);
    need(c, (s->kind == OL_SELF_PARAM) == (s->func >= 0) && s->param >= -1 && s->param < 31 &&
                (s->func < 0 || (uint32_t)s->param < f->funcs.items[s->func].n_params));
    rows(c, &s->rows);
    span(c, s->call);
  }
}

static void batch(check *c, const ol_batch *b) {
  enum_below(c, &b->mode, OL_BATCH_COUNT + 1);
  ol_span spans[] = {b->rows, b->cut, b->swap, b->key, b->use, b->session};
  for (size_t k = 0; k < sizeof spans / sizeof *spans; k++)
    span(c, spans[k]);
  inside(c, b->cut, b->rows);
  inside(c, b->swap, b->rows);
  name(c, b->entity, false);
  name(c, b->column, false);
  flag(c, &b->append_filter);
  flag(c, &b->session_get);
  flag(c, &b->uses_select);
  flag(c, &b->awaited);
}

/* A test of a parameter of the function func a site runs under (none at module level). */
static void param_guard(check *c, const ol_param_guard *g, uint32_t n_params) {
  need(c, g->test <= OL_PG_NE);
  need(c, g->test == OL_PG_NONE || g->param < n_params);
  need(c, (g->test != OL_PG_EQ && g->test != OL_PG_NE) || g->lit);
}

/* The parameters of the function a call is in (none at module level). */
static uint32_t params_of(const ol_file_facts *f, int32_t func);

static void queries(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->queries.len && !c->bad; i++) {
    const ol_query_site *q = &f->queries.items[i];
    span(c, q->span);
    span(c, q->hoist);
    inside(c, q->span, q->hoist);
    const bool *flags[] = {&q->hoist_copy, &q->guarded,       &q->in_try,   &q->in_except,
                           &q->raises,     &q->hoist_listify, &q->is_count, &q->awaited};
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++)
      flag(c, flags[k]);
    text(c, q->copy_fn, sizeof q->copy_fn);
    text(c, q->method, sizeof q->method);
    enum_below(c, &q->how, OL_EXEC_SUBSCRIPT + 1);
    index_or_none(c, q->loop, f->loops.len);
    index_or_none(c, q->dep_loop, f->loops.len);
    index_or_none(c, q->hoist_loop, f->loops.len);
    index_or_none(c, q->func, f->funcs.len);
    span(c, q->pk_key);
    index_or_none(c, q->pk_loop, f->loops.len);
    name(c, q->pk_attr, false);
    need(c, q->pk_loop < 0 || q->pk_attr);
    if (!c->bad)
      param_guard(c, &q->guard, params_of(f, q->func));
    name(c, q->dep_name, false);
    name(c, q->entity, false);
    batch(c, &q->batch);
  }
}

static void functions(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->funcs.len && !c->bad; i++) {
    const ol_func_fact *fn = &f->funcs.items[i];
    name(c, fn->name, true);
    name(c, fn->cls, false);
    for (uint32_t p = 0; p < fn->n_params; p++)
      name(c, fn->params[p], true);
    earlier(c, fn->outer, i);
    enum_below(c, &fn->kind, OL_FN_SETTER + 1);
    for (int e = 0; e < OL_EFFECTS; e++)
      index_or_none(c, fn->site[e], f->func_sites.len);
    index_or_none(c, fn->rows, f->func_rows.len);
    need(c, fn->one >= -2);
    index_or_none(c, fn->one < 0 ? -1 : fn->one, f->func_rows.len);
    span(c, fn->one_call);
    need(c, fn->ret_param >= -2 && fn->ret_param < (int32_t)fn->n_params);
    need(c, fn->ret_model >= -2 && fn->ret_model < (int32_t)fn->n_params);
    span(c, fn->ret_call);
    span(c, fn->ret_rows_call);
    flag(c, &fn->ret_builders);
    flag(c, &fn->returns_query);
    flag(c, &fn->returns_count);
    need(c, fn->fixed_ret >= -1 && fn->fixed_ret <= 1);
    flag(c, &fn->memoized);
    flag(c, &fn->external);
    flag(c, &fn->expires);
    need(c, fn->pk_param >= -2 && fn->pk_param < (int32_t)fn->n_params);
    need(c, fn->pk_param < 0 || (fn->pk_query >= 0 && (size_t)fn->pk_query < f->queries.len));
    need(c, c->bad || fn->pk_param < 0 || f->queries.items[fn->pk_query].entity);
    flag(c, &fn->wrapped);
    need(c, fn->transparent <= 2);
    name(c, fn->decos, false);
    name(c, fn->ret_coll, false);
    flag(c, &fn->stub);
    for (int e = 0; e < OL_EFFECTS * OL_GUARD_ANY && !c->bad; e++)
      param_guard(c,
                  &(ol_param_guard){.lit = fn->guard_lit[e],
                                    .test = fn->guard_test[e],
                                    .param = fn->guard_param[e]},
                  fn->n_params);
    place(c, fn->def);
  }
  for (size_t i = 0; i < f->func_sites.len; i++) {
    place(c, f->func_sites.items[i].at);
    name(c, f->func_sites.items[i].text, true);
  }
  for (size_t i = 0; i < f->func_rows.len; i++) {
    rows(c, &f->func_rows.items[i].rows);
    place(c, f->func_rows.items[i].at);
  }
  for (size_t i = 0; i < f->param_reads.len && !c->bad; i++) {
    const ol_param_read *r = &f->param_reads.items[i];
    index_or_none(c, r->func, f->funcs.len);
    need(c, !c->bad && r->func >= 0 && r->param < f->funcs.items[r->func].n_params);
    name(c, r->attr, true);
    flag(c, &r->called);
    flag(c, &r->rows);
    flag(c, &r->counted);
    if (!c->bad)
      guard(c, &r->guard, f->funcs.items[r->func].n_params);
    place(c, r->at);
  }
}

/* The parameters of the function a call is in (none at module level). */
static uint32_t params_of(const ol_file_facts *f, int32_t func) {
  return func >= 0 ? f->funcs.items[func].n_params : 0;
}

static void calls(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->calls.len && !c->bad; i++) {
    const ol_call_fact *k = &f->calls.items[i];
    name(c, k->callee, true);
    index_or_none(c, k->func, f->funcs.len);
    index_or_none(c, k->loop, f->loops.len);
    index_or_none(c, k->recv_loop, f->loops.len);
    index_or_none(c, k->recv_call, f->calls.len);
    index_or_none(c, k->term, f->call_terms.len);
    if (c->bad)
      break;
    index_or_none(c, k->recv_param, params_of(f, k->func));
    need(c, k->first_arg <= f->call_args.len && k->n_args <= f->call_args.len - k->first_arg);
    for (uint32_t a = 0; a < k->n_args && !c->bad; a++) {
      const ol_call_arg *arg = &f->call_args.items[k->first_arg + a];
      index_or_none(c, arg->param, params_of(f, k->func));
      index_or_none(c, arg->attr_param, params_of(f, k->func));
      need(c, arg->attr_param < 0 || arg->key_attr);
    }
    flag(c, &k->attr_only);
    flag(c, &k->args_loop);
    flag(c, &k->args_local);
    flag(c, &k->in_branch);
    flag(c, &k->in_except);
    name(c, k->commit_exempt, false);
    place(c, k->at);
    span(c, k->miss);
    span(c, k->branch);
    if (!c->bad)
      param_guard(c, &k->guard, params_of(f, k->func));
  }
  for (size_t i = 0; i < f->call_args.len; i++) {
    name(c, f->call_args.items[i].kw, false);
    index_or_none(c, f->call_args.items[i].loop, f->loops.len);
    index_or_none(c, f->call_args.items[i].key_loop, f->loops.len);
    name(c, f->call_args.items[i].key_attr, false);
    need(c, f->call_args.items[i].key_loop < 0 || f->call_args.items[i].key_attr);
    flag(c, &f->call_args.items[i].has_rows);
    flag(c, &f->call_args.items[i].one);
    flag(c, &f->call_args.items[i].fixed);
    flag(c, &f->call_args.items[i].model_arg);
    index_or_none(c, f->call_args.items[i].via_call, f->calls.len);
    need(c, !f->call_args.items[i].model_arg || f->call_args.items[i].rows.entity);
    need(c, f->call_args.items[i].col >= 0 && f->call_args.items[i].col <= 4);
    rows(c, &f->call_args.items[i].rows);
    span(c, f->call_args.items[i].rows_call);
  }
  for (size_t i = 0; i < f->call_terms.len; i++) {
    flag(c, &f->call_terms.items[i].count);
    flag(c, &f->call_terms.items[i].direct);
    index_or_none(c, f->call_terms.items[i].loop, f->loops.len);
    place(c, f->call_terms.items[i].at);
    name(c, f->call_terms.items[i].text, true);
  }
  for (size_t i = 0; i < f->imports.len; i++) {
    const ol_import_fact *im = &f->imports.items[i];
    short_name(c, im->local, true);
    short_name(c, im->module, false);
    short_name(c, im->name, !im->module);
    need(c, im->level <= OL_MAX_IMPORT_LEVEL);
  }
}

static void sites(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->count_stmts.len; i++) {
    const ol_count_stmt *s = &f->count_stmts.items[i];
    ol_span spans[] = {s->stmt, s->call, s->prefix, s->chain_end, s->select, s->session, s->scope};
    for (size_t k = 0; k < sizeof spans / sizeof *spans; k++)
      span(c, spans[k]);
    need(c, s->next_start <= c->len && s->path_end <= c->len && s->write_before <= c->len &&
                s->decides_end <= c->len && s->form <= OL_COUNT_ON_ATTR);
    earlier(c, s->dep, i);
    earlier(c, s->dep_call, i);
    index_or_none(c, s->load, f->func_rows.len);
    inside(c, s->call, s->stmt);
    inside(c, s->prefix, s->call);
    inside(c, s->select, s->call);
    /* The builders between the prefix and `.count()` are copied by length. */
    need(c, ol_span_empty(s->prefix) ||
                (s->prefix.end <= s->chain_end.end && s->chain_end.end <= s->call.end));
    name(c, s->name, false);
    name(c, s->entity, false);
    name(c, s->arms, false);
    flag(c, &s->convertible);
    flag(c, &s->assigned);
    flag(c, &s->simple);
    flag(c, &s->guarded);
  }
  for (size_t i = 0; i < f->commits.len; i++) {
    const ol_commit_site *s = &f->commits.items[i];
    index_or_none(c, s->loop, f->loops.len);
    span(c, s->span);
    span(c, s->stmt);
    inside(c, s->span, s->stmt);
    flag(c, &s->alone_in_block);
    flag(c, &s->flush);
    flag(c, &s->guarded);
    name(c, s->exempt, false);
    span(c, s->miss);
    span(c, s->branch);
  }
  for (size_t i = 0; i < f->lens.len; i++) {
    const ol_len_site *s = &f->lens.items[i];
    enum_below(c, &s->kind, OL_LEN_RELATION + 1);
    ol_span spans[] = {s->span, s->query, s->session, s->object, s->scope};
    for (size_t k = 0; k < sizeof spans / sizeof *spans; k++)
      span(c, spans[k]);
    flag(c, &s->plain);
    name(c, s->entity, false);
    name(c, s->rel, false);
  }
  for (size_t i = 0; i < f->reads.len; i++) {
    const ol_attr_read *r = &f->reads.items[i];
    index_or_none(c, r->loop, f->loops.len);
    span(c, r->span);
    span(c, r->span2);
    span(c, r->call2);
    span(c, r->count2);
    span(c, r->builders2);
    inside(c, r->builders2, r->count2);
    name(c, r->attr, true);
    name(c, r->attr2, false);
  }
  for (size_t i = 0; i < f->lookups.len; i++) {
    const ol_lookup *l = &f->lookups.items[i];
    enum_below(c, &l->kind, OL_LOOKUP_PARENT + 1);
    name(c, l->entity, true);
    name(c, l->column, true);
    span(c, l->span);
    need(c, l->query <= c->len);
  }
  for (size_t i = 0; i < f->index_decls.len; i++) {
    name(c, f->index_decls.items[i].entity, true);
    name(c, f->index_decls.items[i].column, true);
  }
}

static void names(check *c, char *const *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    name(c, s[i], true);
}

static void classes(check *c) {
  const ol_file_facts *f = c->f;
  for (size_t i = 0; i < f->classes.len && !c->bad; i++) {
    const ol_class_fact *k = &f->classes.items[i];
    name(c, k->name, true);
    name(c, k->tablename, false);
    name(c, k->bind_key, false);
    flag(c, &k->abstract);
    flag(c, &k->declares_declarative_base);
    flag(c, &k->imperative);
    flag(c, &k->opaque_indexes);
    for (size_t r = 0; r < k->n_rels; r++) {
      const ol_rel_fact *rel = &k->rels[r];
      name(c, rel->name, true);
      name(c, rel->target, false);
      name(c, rel->backref, false);
      name(c, rel->back_populates, false);
      name(c, rel->target_attr, false);
      name(c, rel->lazy_attr, false);
      name(c, rel->backref_attr, false);
      name(c, rel->backref_lazy_attr, false);
      name(c, rel->proxy_of, false);
      name(c, rel->proxy_attr, false);
      enum_below(c, &rel->lazy, OL_LAZY_WRITE_ONLY + 1);
      enum_below(c, &rel->backref_lazy, OL_LAZY_WRITE_ONLY + 1);
      need(c, rel->uselist >= -2 && rel->uselist <= 1);
      need(c, rel->backref_uselist >= -2 && rel->backref_uselist <= 1);
      flag(c, &rel->secondary);
      need(c, rel->remote >= 0 && rel->remote <= OL_REMOTE_UNKNOWN);
      need(c, rel->backref_remote >= 0 && rel->backref_remote <= OL_REMOTE_UNKNOWN);
      span(c, rel->span);
      span(c, rel->lazy_value);
      inside(c, rel->lazy_value, rel->span);
    }
    for (size_t m = 0; m < k->n_columns; m++) {
      const ol_column_fact *col = &k->columns[m];
      name(c, col->name, true);
      name(c, col->fk_table, false);
      name(c, col->fk_class, false);
      name(c, col->db_name, false);
      flag(c, &col->pk);
      flag(c, &col->indexed);
      flag(c, &col->boolean);
      flag(c, &col->deferred);
      flag(c, &col->counts);
      flag(c, &col->insert_comma);
      span(c, col->decl);
      span(c, col->index_value);
      inside(c, col->index_value, col->decl);
      need(c, col->insert_at <= c->len);
    }
    names(c, k->members, k->n_members);
    names(c, k->bases, k->n_bases);
    names(c, k->pk, k->n_pk);
    names(c, k->leading, k->n_leading);
    names(c, k->attrs, k->n_attrs);
    need(c, k->n_attrs % 2 == 0);
  }
}

/* What a view passes render_template (cached with the view); a template's
 * own facts are never cached, so a record holding any is refused. */
static void renders(check *c) {
  const ol_file_facts *f = c->f;
  need(c, !f->template && !f->macro_reads.len && !f->template_imports.len && !f->macro_calls.len);
  for (size_t i = 0; i < f->loops.len; i++)
    need(c, !f->loops.items[i].context);
  for (size_t i = 0; i < f->renders.len && !c->bad; i++) {
    const ol_render_fact *r = &f->renders.items[i];
    name(c, r->template, true);
    span(c, r->call);
    index_or_none(c, r->func, f->funcs.len);
    need(c, r->first_arg <= f->render_args.len && r->n_args <= f->render_args.len - r->first_arg);
  }
  for (size_t i = 0; i < f->render_args.len && !c->bad; i++) {
    const ol_render_arg *a = &f->render_args.items[i];
    name(c, a->name, true);
    flag(c, &a->has_rows);
    flag(c, &a->is_query);
    rows(c, &a->rows);
    span(c, a->value);
  }
}

bool ol_facts_valid(const ol_file_facts *f, uint32_t len) {
  check c = {.f = f, .len = len};
  need(&c, f->import_at <= len &&
               (f->first_error_byte <= len || f->first_error_byte == UINT32_MAX) &&
               f->parse_errors <= len + 1);
  loops(&c);
  queries(&c);
  functions(&c);
  if (!c.bad)
    calls(&c);
  sites(&c);
  classes(&c);
  renders(&c);
  names(&c, f->module_names.items, f->module_names.len);
  names(&c, f->declarative_bases.items, f->declarative_bases.len);
  names(&c, f->base_classes.items, f->base_classes.len);
  need(&c, f->base_classes.len % 2 == 0);
  for (size_t i = 0; i < f->stmt_starts.len; i++) /* ascending, within the text */
    need(&c, f->stmt_starts.items[i] <= len &&
                 (!i || f->stmt_starts.items[i] > f->stmt_starts.items[i - 1]));
  return !c.bad;
}

/* ---- resolved calls (.ormlint_cache/calls) --------------------------------- */

bool ol_resolved_calls_valid(const ol_resolved_calls *rc, const ol_index *ix, uint32_t f) {
  if (f >= ix->files.len || rc->n != ix->files.items[f].facts->calls.len)
    return false;
  for (uint32_t i = 0; i < rc->n; i++) {
    if (rc->file[i] == -1 && rc->func[i] == -1)
      continue;
    if (rc->file[i] < 0 || (size_t)rc->file[i] >= ix->files.len || rc->func[i] < 0 ||
        (size_t)rc->func[i] >= ix->files.items[rc->file[i]].facts->funcs.len)
      return false;
  }
  for (uint32_t d = 0; d < rc->n_deps; d++) /* ascending, none twice, never f itself */
    if (rc->deps[d] >= ix->files.len || rc->deps[d] == f || (d && rc->deps[d] <= rc->deps[d - 1]))
      return false;
  return true;
}
