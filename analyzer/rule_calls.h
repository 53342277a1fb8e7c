/* Call-site findings for the rules (DESIGN.md "Calls"): what a call made in
 * a loop runs through the functions it calls, from the project's summaries. */
#ifndef OL_RULE_CALLS_H
#define OL_RULE_CALLS_H

#include "rule.h"

/* Reports every call made per iteration of a loop of ctx's file (functions,
 * methods called on rows, properties read on rows) whose callee does e
 * (ORM001: a query; ORM003: a count and no other query; ORM006: a commit).
 * why_no_fix ends the message. */
void ol_rule_report_calls(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_effect e,
                          const char *why_no_fix);
/* The method or property of the rows' model that `row.attr` (a read in a
 * loop) runs: a property read, or a method called right there; -1. *entity
 * is the rows' model, NULL when unknown. */
int32_t ol_rule_row_member(const ol_rule_ctx *ctx, const ol_attr_read *r, const char **entity);

/* The call `x.m(...)` that starts with the attribute at span, or span itself. */
ol_span ol_rule_call_span(const ol_rule_ctx *ctx, ol_span span);

/* How messages name a loop's kind: "loop", "while loop", "comprehension"... */
const char *ol_rule_loop_word(ol_loop_kind k);
/* Whether what runs on every iteration of loop runs once per row of data:
 * not in a while loop, or a `for _ in range(attempts)` loop, that a break or
 * return ends (retry, poll and paging loops run until their query answers;
 * DESIGN.md "Real code"). */
bool ol_rule_loop_repeats(const ol_rule_ctx *ctx, int loop);
/* Whether each iteration of loop also works outside the process: its body
 * calls out (ol_loop.external_work) or calls, in it or a loop inside it, a
 * project function whose summary does (DESIGN.md "Real code"). Each item is
 * then a unit of outside work: its commit keeps what was done recorded. */
/* Whether the loop commits, rolls back or expires the session (itself or through a call): every
 * object the session holds is read again by SQL after it. */
bool ol_rule_loop_expires(const ol_rule_ctx *ctx, int loop);
bool ol_rule_loop_works_outside(const ol_rule_ctx *ctx, int loop);
/* The same for the call at site, which runs in part `branch` of a branch
 * inside the loop (ol_exec_branch_of; empty: on every iteration): the loop
 * works outside, or that part, or a part around it, calls out whenever it
 * runs — the loop's body itself, or a loop inside it (ol_loop.outside_branch),
 * or a call other than site of a project function that does. */
bool ol_rule_branch_works_outside(const ol_rule_ctx *ctx, int loop, ol_span branch, ol_span site);

#endif
