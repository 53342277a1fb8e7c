/* The rule registry: one line per rule. Docs come from rules/<folder>/doc.md,
 * embedded at build time (build/gen/rule_docs.c). */
#include <pthread.h>
#include <string.h>

#include "rule.h"
#include "source.h"

extern const ol_rule ol_rule_orm001, ol_rule_orm002, ol_rule_orm003, ol_rule_orm004, ol_rule_orm005,
    ol_rule_orm006, ol_rule_orm007, ol_rule_orm100;

const ol_rule *const ol_rules[] = {
    &ol_rule_orm001, &ol_rule_orm002, &ol_rule_orm003,
    &ol_rule_orm004, &ol_rule_orm005, &ol_rule_orm006,
    &ol_rule_orm007, &ol_rule_orm100, NULL,
};

typedef struct {
  const char *folder;
  const char *text;
} ol_rule_doc;
extern const ol_rule_doc ol_rule_docs[];

static ol_rule_meta *metas;
static size_t n_metas;
static pthread_once_t metas_once = PTHREAD_ONCE_INIT;

static void build_metas(void) {
  while (ol_rules[n_metas])
    n_metas++;
  metas = ol_calloc(n_metas, sizeof *metas);
  for (size_t i = 0; i < n_metas; i++) {
    metas[i] = ol_rules[i]->meta;
    for (const ol_rule_doc *d = ol_rule_docs; d->folder; d++)
      if (strcmp(d->folder, ol_rules[i]->folder) == 0)
        metas[i].doc_md = d->text;
    if (!metas[i].doc_md)
      metas[i].doc_md = metas[i].full_desc;
  }
}

size_t ol_rule_count(void) {
  pthread_once(&metas_once, build_metas);
  return n_metas;
}

const ol_rule_meta *ol_rule_metas(void) {
  pthread_once(&metas_once, build_metas);
  return metas;
}

const ol_rule_meta *ol_rule_meta_find(const char *code) {
  const ol_rule_meta *m = ol_rule_metas();
  for (size_t i = 0; i < n_metas; i++)
    if (strcmp(m[i].code, code) == 0)
      return &m[i];
  return NULL;
}

ol_draft *ol_draft_add(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_span span,
                       char *message) {
  ol_draft d = {.rule = meta, .span = span, .message = message};
  ol_vec_push(ctx->out, d);
  return &ctx->out->items[ctx->out->len - 1];
}

void ol_draft_relate(ol_draft *d, ol_span span, char *message) {
  if (d->n_related == OL_MAX_RELATED) {
    ol_free(message);
    return;
  }
  d->related[d->n_related] = (ol_draft_loc){.span = span, .file = -1, .message = message};
  d->n_related++;
}

void ol_draft_relate_at(ol_draft *d, uint32_t file, ol_span span, char *message) {
  if (d->n_related == OL_MAX_RELATED) {
    ol_free(message);
    return;
  }
  d->related[d->n_related++] =
      (ol_draft_loc){.span = span, .file = (int32_t)file, .message = message};
}

void ol_draft_flow(ol_draft *d, int32_t file, ol_span span, char *message) {
  if (d->n_flow == OL_MAX_FLOW) {
    ol_free(message);
    return;
  }
  d->flow[d->n_flow++] = (ol_draft_loc){.span = span, .file = file, .message = message};
}

uint32_t ol_rule_line_in(const ol_rule_ctx *ctx, uint32_t file, uint32_t off) {
  if (file == ctx->file)
    return ol_rule_line(ctx, off);
  return ctx->line_of ? ctx->line_of(ctx->ud, file, off) : 0;
}

void ol_draft_advise(ol_draft *d, ol_index_advice advice) {
  d->advice = ol_realloc(d->advice, (d->n_advice + 1) * sizeof *d->advice);
  d->advice[d->n_advice++] = advice;
}

ol_fix_draft *ol_fix_draft_new(ol_applicability app, char *description, ol_span block) {
  ol_fix_draft *f = ol_calloc(1, sizeof *f);
  f->applicability = app;
  f->description = description;
  f->block = block;
  f->file = -1;
  return f;
}

void ol_fix_draft_edit(ol_fix_draft *f, uint32_t start, uint32_t end, char *text) {
  ol_edit e = {start, end, text};
  ol_vec_push(&f->edits, e);
}

void ol_fix_draft_free(ol_fix_draft *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->edits.len; i++)
    ol_free(f->edits.items[i].text);
  ol_vec_free(&f->edits);
  ol_free(f->description);
  ol_free(f);
}

void ol_drafts_free(ol_drafts *d) {
  for (size_t i = 0; i < d->len; i++) {
    ol_free(d->items[i].message);
    for (size_t j = 0; j < d->items[i].n_related; j++)
      ol_free(d->items[i].related[j].message);
    for (size_t j = 0; j < d->items[i].n_flow; j++)
      ol_free(d->items[i].flow[j].message);
    ol_fix_draft_free(d->items[i].fix);
    ol_advice_free(d->items[i].advice, d->items[i].n_advice);
  }
  ol_vec_free(d);
}

bool ol_rule_ctx_other(const ol_rule_ctx *ctx, uint32_t file, ol_rule_ctx *out) {
  if (file == ctx->file) {
    *out = *ctx;
    return true;
  }
  const ol_source *src = ctx->source_of ? ctx->source_of(ctx->ud, file) : NULL;
  if (!src)
    return false;
  *out = *ctx;
  out->file = file;
  out->path = ctx->index->files.items[file].path;
  out->source = src;
  out->src = src->bytes;
  out->len = src->len;
  out->facts = ctx->index->files.items[file].facts;
  return true;
}

uint32_t ol_rule_line(const ol_rule_ctx *ctx, uint32_t off) {
  return ol_source_line((const ol_source *)ctx->source, off);
}
