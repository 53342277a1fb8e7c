/* Text helpers for rules that write fixes: names derived from models, free
 * names in a scope, indentation. Every returned string is the caller's. */
#ifndef OL_FIXTEXT_H
#define OL_FIXTEXT_H

#include <stdbool.h>

#include "rule.h"

/* "BookingPayment" -> "booking_payment", "SNSAccount" -> "sns_account". */
char *ol_fixtext_snake(const char *camel);
/* Naive English plural of a snake name: "chef" -> "chefs", "entry" -> "entries". */
char *ol_fixtext_plural(const char *name);
/* base, or base_2, base_3 ... : the first not used as a word in scope. */
char *ol_fixtext_free_name(const ol_rule_ctx *ctx, ol_span scope, const char *base);
/* Offset of the start of the line holding off. */
uint32_t ol_fixtext_line_start(const ol_rule_ctx *ctx, uint32_t off);
/* Offset of the end of the line holding off (before its line ending). */
uint32_t ol_fixtext_line_end(const ol_rule_ctx *ctx, uint32_t off);
/* The indentation before off on its line (spaces/tabs), as a new string. */
char *ol_fixtext_indent(const ol_rule_ctx *ctx, uint32_t off);
/* One more level of indentation: a tab when indent uses tabs, else 4 spaces. */
const char *ol_fixtext_unit(const char *indent);
/* src[span] as a new string, parenthesised when it spans lines. */
char *ol_fixtext_expr(const ol_rule_ctx *ctx, ol_span span);
/* A short form of src[span] for messages: first line, at most max bytes, with "..." when cut. */
char *ol_fixtext_brief(const ol_rule_ctx *ctx, ol_span span, size_t max);
/* src[span] with replacements (sorted, disjoint spans inside span) applied. */
typedef struct {
  ol_span at;
  const char *text;
} ol_splice;
char *ol_fixtext_splice(const ol_rule_ctx *ctx, ol_span span, const ol_splice *s, size_t n);

/* How often name (an identifier or a dotted path like `user.payments`)
 * occurs in src[scope] as code, strings and comments aside. */
int ol_fixtext_count_uses(const ol_rule_ctx *ctx, ol_span scope, const char *name);
/* Whether name is bound at module level (imported, defined). */
bool ol_fixtext_module_binds(const ol_rule_ctx *ctx, const char *name);
/* Adds `from module import a, b` for those of names (NULL-terminated) the
 * module does not bind yet, on a line of its own after the last top-level
 * import. Nothing when all are bound. */
void ol_fixtext_import(const ol_rule_ctx *ctx, ol_fix_draft *f, const char *module,
                       const char *const *names);

/* Adds loader options (`opts`, e.g. "selectinload(M.a)") to the query that loads rows: into
 * its last .options(...), into the options=[...] keyword of `session.get(M, pk)` (a new one
 * when it has none), or as a new .options(...) after the query. */
void ol_fixtext_add_options(const ol_rule_ctx *ctx, ol_fix_draft *f, const ol_rows *rows,
                            const char *opts);

/* SQLAlchemy's spelling for the version the fixes target (ctx->sqla):
 * `select(cols)`, or `select([cols])` on 1.3 (a new string); the method
 * that makes a scalar subquery (`scalar_subquery`, 1.3: `as_scalar`). */
char *ol_fixtext_select(const ol_rule_ctx *ctx, const char *cols);
const char *ol_fixtext_scalar_subquery(const ol_rule_ctx *ctx);

/* Why the expression at span may not run once before a loop instead of on
 * each iteration (a call not known to be pure, a subscript that could
 * raise where the loop would have run zero times); NULL when it may
 * (analyzer/fixpure.c). A static string. */
const char *ol_fixtext_hoist_problem(const ol_rule_ctx *ctx, ol_span span);

#endif
