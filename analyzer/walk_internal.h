/* Shared between walk.c (traversal, loops, names) and exec.c (what
 * executes SQL, and the shape a batching fix needs). Not a public header. */
#ifndef OL_WALK_INTERNAL_H
#define OL_WALK_INTERNAL_H

#include "hash.h"
#include "syntax.h"
#include "walk.h"

typedef OL_VEC(uint64_t) ol_hashes;

/* A name occurrence: its hash and where it is (for messages). */
typedef struct {
  uint64_t hash;
  ol_span at;
} ol_name_ref;
typedef OL_VEC(ol_name_ref) ol_name_refs;

typedef enum {
  OL_VAL_NONE,
  OL_VAL_QUERY,
  OL_VAL_SESSION,
  OL_VAL_SELECT,
  OL_VAL_DB,
  OL_VAL_LIST
} ol_val;

typedef struct {
  ol_val kind;
  bool count;      /* selects func.count(...) */
  bool aggregate;  /* selects aggregates only (`func.count()`, `func.sum(...)`), a count among
                      them, not grouped: one row of totals */
  bool one_entity; /* selects exactly one entity (rows are model instances) */
  TSNode entity;   /* the entity expression (Model), null when unknown */
  uint8_t n_cols;  /* the columns it selects when known (at most 4), else 0 */
  TSNode cols[4];  /* each column that is an entity (Model), null for other columns */
} ol_valinfo;

/* A filter a batching fix could key on: `col=key` in filter_by, or
 * `Entity.col == key` in filter/where. */
typedef struct {
  ol_span key, cut, swap;
  char *column;
} ol_key_candidate;

typedef struct {
  ol_name_refs free;                   /* names the query reads */
  OL_VEC(ol_key_candidate) candidates; /* possible key filters */
  bool bare_iter;                      /* a bare chain iterated: hoist as list(...) */
} ol_site_temp;

/* `name = Table("table", metadata, Column("id", ...), ...)` at module level:
 * what an imperative mapping of `name` reads its table name and columns from. */
typedef struct {
  uint64_t hash;
  TSNode call;
} ol_table_binding;

typedef struct {
  uint64_t hash;
  ol_val kind;
  bool has_rows;
  ol_rows rows;
  char
      *entity1; /* one row of this model: `x = Model.query.get(...)`, `db.get_or_404(Model, ...)` */
  bool has_one; /* one row, and what loaded it (one.query: where loader options for its
                   collections go; empty for `self` or a load that takes none) */
  ol_rows one;
  bool bounded; /* a non-empty display of constants or a config value: iterating it is bounded */
  char *fixed_cls, *fixed_attr; /* bounded only if this class attribute is (ol_loop.fixed_cls) */
  uint64_t fixed_hash;          /* its key (ol_class_attr_key), 0 */
  bool external;                /* an object outside the process (ol_exec_yields_external) */
  uint32_t query_origin; /* `q = Model.query...` (and `q = q.filter(...)` after it): where the
                            chain the name holds started, so its lookups are one query; 0 none */
  bool count, aggregate; /* a query or select that counts (ol_valinfo's): `q = session.query(
                            func.count(M.id))`, then `q.filter(...).scalar()` */
  ol_span on_rel;        /* `q = obj.rel.filter(...)`, obj's model unknown: `obj.rel` (a dynamic
                            relationship if the index says so), else empty */
  uint32_t at;           /* start of the assignment that bound it, 0 for other bindings */
  TSNode display;        /* the dict, list or tuple display it was bound to, null otherwise: the
                            functions a loop over it may call (ol_calls_check_display_call) */
  int8_t passes_param;   /* 1 + p: `query = query.filter(...)`, `q = query` on parameter p (or on a
                            name that passes it), builders that change no loading on the way: the
                            name holds what the caller passes as p; 0 otherwise */
} ol_binding;

typedef struct {
  OL_VEC(ol_binding) names;
  ol_span span;
  bool is_lambda; /* code cannot be inserted into a lambda's scope */
} ol_scope;

/* `q = f(...)`: q holds what the project call f returns. */
typedef struct {
  uint64_t hash; /* q */
  ol_span call;  /* the call */
  int func;      /* the function it is in, -1 */
  bool plain;    /* q = f(...) itself, no builders (no options) between */
  ol_span stmt;  /* the assignment statement */
  TSNode chain;  /* `q = f(...).options(...)`: the chain of builders on the call; null when plain
                    or built on another name */
  bool prop;     /* q = `self.<prop>` (builders on it, or on a name bound so): call is that read,
                    which a property of the class may answer with a query (ol_calls_prop_source);
                    what the other bindings say of q is then unknown */
  bool opts;     /* prop: an .options(...) on the way, which may load anything */
  bool alike;    /* chain: it loads as the call's result does (no .options(...), nothing that
                    changes what is loaded), and so does what a name it is built on holds */
} ol_call_binding;

/* A terminal (`.first()`...) on what a project call returns, until the walk ends. */
typedef struct {
  ol_span call; /* the project call */
  ol_span site; /* the terminal call */
  bool count, via_name;
  int loop; /* the loop the terminal runs in on every iteration, -1 */
} ol_pending_terminal;
typedef OL_VEC(ol_pending_terminal) ol_pendings;

/* A name a call's key reads (walker's call_key_names). */
typedef struct {
  size_t call, arg;
  uint64_t hash;
  ol_span name; /* `<name>.<attr>` as a key (arg's key_attr): the name, else empty */
} ol_call_key_name;

/* Loops and sites put back from the memo, already resolved. */
typedef struct {
  size_t loops_from, loops_to, sites_from, sites_to;
} ol_replayed;

struct ol_memo_run; /* walk_memo.c */

/* `a = aliased(Model)`: a stands for Model in lookups. */
typedef struct {
  uint64_t hash;
  char *model; /* arena */
} ol_alias;

/* A name holding a count's result (ORM004: a count that reads it depends on it). */
typedef struct {
  uint64_t hash;
  uint32_t scope;      /* start of the function it is bound in */
  int32_t count, call; /* the latest count / project call it comes from, -1 */
} ol_count_taint;

/* An answer about one `if` node, kept for the rest of the file's walk
 * (ol_exec_in_lazy_init, runs_once): each is worked out once, however many
 * sites sit under that if. */
typedef struct {
  uint32_t if_start, other; /* the if's start byte; the loop's start byte, or UINT32_MAX */
  uint8_t kind;             /* which question */
  int8_t answer;            /* -1: the slot is free */
} ol_if_answer;

typedef struct {
  const ol_syntax *sx;
  const ol_config *cfg;
  const char *src;
  uint32_t len;
  ol_file_facts *out;
  OL_VEC(ol_scope) scopes;              /* stack */
  OL_VEC(ol_hashes) loop_bound;         /* per loop: names bound in it */
  OL_VEC(ol_hashes) loop_targets;       /* per loop: names of its (first) target */
  OL_VEC(ol_name_refs) loop_iter_names; /* per loop: names its iterable reads */
  OL_VEC(ol_site_temp) site_tmp;        /* per query site */
  /* Names a call in a loop keys on that no loop of its nest had bound when the walk met it (call:
   * its index; arg: the argument's in call_args, SIZE_MAX for the call's args_loop): resolve_calls
   * looks again, once every loop's names are known. */
  OL_VEC(ol_call_key_name) call_key_names;
  OL_VEC(TSNode) path; /* the nodes from the root to the current one */
  OL_VEC(int32_t)
  path_block;              /* per path entry: the index of the nearest block or module at or
                              above it, -1: statements are found in one step at any depth */
  bool imports_select;     /* `from sqlalchemy import select` at module level */
  bool flask_session;      /* `from flask import session`: that name is the cookie session */
  OL_VEC(int) fstack;      /* functions being walked (indices into funcs), innermost last */
  OL_VEC(ol_hashes) fseen; /* per fstack entry: the `param.attr` reads recorded */
  OL_VEC(ol_call_binding) call_bindings; /* `q = f(...)` in the functions walked */
  ol_pendings pending_terms;             /* terminals on project calls' results */
  ol_pendings pending_recvs; /* calls on project calls' results: site = the call, call = the
                                receiver's call */
  ol_hashes self_assigned;   /* (class, attribute) of `self.x = ...` */
  uint64_t *roots;           /* open addressing: hashes of the names a call may resolve through */
  size_t n_roots, roots_cap;
  size_t roots_seen[3];            /* how many module names, imports, functions are in roots */
  size_t outside_seen;             /* imports looked at for outside_any (exec.c) */
  bool outside_any;                /* one of them imports a name of outside work */
  uint64_t roots_sum;              /* of the hashes in roots */
  OL_VEC(ol_alias) aliases;        /* aliased(Model) names, in the order bound */
  OL_VEC(ol_table_binding) tables; /* module-level `t = Table("name", metadata, Column(...))` */
  ol_hashes bounded_attrs; /* (class, attribute) the class body binds to a display of constants */
  int fixed_n;             /* class attributes of bounded_attrs the iterable at hand reads */
  char *fixed_cls, *fixed_attr; /* the first of them (ol_loop.fixed_cls), NULL when several */
  uint64_t fixed_hash;
  char **interned; /* open addressing: the file's distinct names, arena strings */
  size_t n_interned, interned_cap;
  ol_walk_memo **memo; /* the editor's: top-level functions' facts by text and context, or NULL */
  struct ol_memo_run *memo_run;
  OL_VEC(ol_replayed) replayed;
  OL_VEC(ol_count_taint) count_taints;     /* names assigned from counts, in the functions walked */
  uint32_t count_write, count_write_scope; /* the last session write outside loops, its function */
  size_t value_refs_mark; /* where the current top-level statement's value_refs start */
  size_t class_edits;     /* columns added to a class from outside its body (`Model.attr = ...`) */
  size_t outside_reads;   /* facts made from the text of another def (a method of the class a
                             generic read looks into: generic_reads.c) */
  ol_if_answer *if_answers; /* open addressing (ol_if_answer), NULL until the first */
  size_t n_if_answers, if_answers_cap;
} ol_walker;

uint64_t ol_name_hash(const char *s, size_t len);
static inline uint64_t ol_node_hash(const ol_walker *w, TSNode n) {
  return ol_name_hash(w->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}
static inline ol_span ol_node_span(TSNode n) {
  return n.id ? (ol_span){ts_node_start_byte(n), ts_node_end_byte(n)} : (ol_span){0, 0};
}
bool ol_node_text_is(const ol_walker *w, TSNode n, const char *s);
char *ol_node_text(ol_walker *w, TSNode n); /* arena copy */
/* Whether n's text holds s: a cheap test before looking at its syntax. */
bool ol_node_mentions(const ol_walker *w, TSNode n, const char *s);

/* n without the parentheses and awaits around it. */
TSNode ol_unwrap(const ol_walker *w, TSNode n);
/* Where the query a chain builds started: the chain's own start (+1, 0
 * means none), or, when its root is a name bound to a chain, that chain's. */
uint32_t ol_walk_query_origin(const ol_walker *w, TSNode chain);
/* Whether the code names n's value: a literal, an ALL_CAPS constant, an Enum
 * member, or a display of those (walk.c). */
bool ol_walk_names_value(ol_walker *w, TSNode n);
/* The key of attribute attr of class cls in the walk's (class, attribute) sets. */
uint64_t ol_class_attr_key(const char *cls, const char *attr, size_t attr_len);
/* Records that class cls binds left to right in its body (a display of
 * constants makes `self.left` a bounded iterable). */
void ol_walk_note_class_attribute(ol_walker *w, const char *cls, TSNode left, TSNode right);
/* cls's `def __init__`: each `self.name = <display of constants or a
 * configuration value>` among its statements (its only assignment there)
 * makes self.name bounded as a class attribute is. Read when the class is
 * entered, from its text (the memo of its methods hashes __init__'s body). */
void ol_walk_note_init_attributes(ol_walker *w, const char *cls, TSNode def);
/* What kind of value expression n is (query, session, select, ...). */
ol_valinfo ol_classify(ol_walker *w, TSNode n);
ol_val ol_scope_lookup(const ol_walker *w, uint64_t hash);
/* The parent of n, which is the current node, one of its ancestors, or a
 * child of the current node: O(1) from the walk's path, where tree-sitter's
 * ts_node_parent walks down from the root (quadratic on deep files). */
TSNode ol_walk_parent(const ol_walker *w, TSNode n);
/* The statement holding n (n on the path, a child of the current node, or a
 * node outside the current one: climbed to by ts_node_parent). */
TSNode ol_walk_statement(const ol_walker *w, TSNode n);
ol_span ol_walk_rows_statement(const ol_walker *w, TSNode n);
/* The function definition the walk is in (not a lambda's, nor one around
 * the class it is in), or a null node. */
TSNode ol_walk_current_def(const ol_walker *w);
const ol_binding *ol_scope_binding(const ol_walker *w, uint64_t hash);
/* The class whose instance obj names in a method (`self`), NULL otherwise. */
const char *ol_walk_self_class(ol_walker *w, TSNode obj);
/* Whether every argument of the rows' last .options(...) is a loader call or a local option
 * variable whose loads are known (`.options(*opts)` may load anything). */
bool ol_walk_options_known(const ol_walker *w, const ol_rows *rows);
void ol_scope_push_binding(ol_walker *w, ol_binding b);

/* rows.c */
bool ol_rows_of(ol_walker *w, TSNode n, ol_rows *out);
/* Collects the eager paths (into eager) and the last .options() (into rows)
 * of a query chain. */
void ol_rows_chain_options(ol_walker *w, TSNode chain, ol_rows *rows, ol_buf *eager);
void ol_rows_bind_parameters(ol_walker *w, TSNode params);
void ol_rows_for_loop(ol_walker *w, int loop, TSNode target, TSNode iterable);
/* `self.<name>` or a copy, reordering or filter of its elements: the name node; null otherwise
 * (borrowed from the tree). */
TSNode ol_rows_self_collection(ol_walker *w, TSNode value);
void ol_rows_check_attribute(ol_walker *w, TSNode attr, int ctx);
void ol_rows_module_statement(ol_walker *w, TSNode stmt);
/* `x.rel.filter(...).count()` (attr is `x.rel`): the count call and the
 * builders before it (empty when one of them is not a filter or an order). */
/* The loop whose tuples' column e is (`row.A`, `row[0]`, `a` of `for a, b in
 * session.query(A, B)`), with *col 1 + that column; -1 when e is none. */
int ol_rows_tuple_column_of(ol_walker *w, int ctx, TSNode e, int *col);
bool ol_rows_count_after(ol_walker *w, TSNode attr, ol_span *count, ol_span *builders);
/* The model of the one row an expression loads (get, first, one, *_or_404), or NULL. */
char *ol_rows_single_entity(ol_walker *w, TSNode n);
/* What loaded the one row an expression gives (`session.get(M, pk)`, `q.first()`,
 * `M.query.get_or_404(pk)`): where loader options for its collections go. */
bool ol_rows_one_load(ol_walker *w, TSNode n, ol_rows *out);
/* `self` of a method of class cls: one row, loaded by whatever called the method. */
void ol_rows_bind_self(ol_walker *w, TSNode params, const char *cls);

/* Collects identifiers read in n (not attribute names or keywords). */
void ol_collect_names(ol_walker *w, TSNode n, ol_name_refs *out);

/* exec.c: inspects a call/subscript/iterable at ctx loop `loop`; records a site. */
void ol_exec_check_call(ol_walker *w, TSNode call, int loop);
void ol_exec_check_subscript(ol_walker *w, TSNode sub, int loop);
void ol_exec_check_iterable(ol_walker *w, TSNode iterable, int loop);
/* Records len(q.all()) / len(list(q)) / len(session.scalars(s).all()) (ORM005). */
void ol_exec_check_len(ol_walker *w, TSNode call);
/* Records session.commit()/flush() run in loop `loop` (ORM006). */
void ol_exec_check_commit(ol_walker *w, TSNode call, int loop);
/* Why a commit (or a call that commits) at stmt is meant to run per
 * iteration of loop, NULL when it is not; sets *guarded when an if, try or
 * with inside the loop holds it. */
const char *ol_exec_commit_exemption(ol_walker *w, TSNode stmt, int loop, bool flush,
                                     bool *guarded);
/* Whether node runs at most once in loop: under `if key == "literal"` where
 * key is the loop's key over a dict's items/keys or a set. */
bool ol_exec_once_per_loop(ol_walker *w, TSNode node, int loop);
/* The loop a site runs in once per iteration, given its innermost loop: an
 * unconditional return after it in the loop's body (first success) runs it
 * once (-1), a break once per iteration of the enclosing loop, as does a
 * branch taken for one key of a dict's keys. */
int ol_exec_effective_loop(ol_walker *w, TSNode site, int loop);
/* Whether site is in a hand-made memo's block (exec.c): 0 no, 1 in a loop inside it, 2 yes. */
int ol_exec_in_lazy_init(ol_walker *w, TSNode site, bool *on_self);
/* Whether a call leaves the process: HTTP, mail, files, storage, cloud
 * clients, plugins, subprocesses, sleeps, task queues. */
bool ol_exec_is_external_call(ol_walker *w, TSNode call);
/* Whether value (an assignment's right side) is an object outside the process:
 * an outside call's result (`boto3.client("s3")`, `open(path)`) or one taken
 * from what is named for such objects (`plugins.get(name)`, `get_storage(b)`,
 * `clients[key]`). Every method called on the name it is bound to is outside
 * work. */
bool ol_exec_yields_external(ol_walker *w, TSNode value);
/* Whether n (on the walk's path) runs only on some iterations of loop: in a
 * branch of an `if`, `elif`, `else`, `except`, `match`, `x if c else y`, or
 * the right side of `and`/`or`, between n and the loop. */
bool ol_exec_in_branch(ol_walker *w, TSNode n, int loop);
ol_span ol_exec_branch_of(ol_walker *w, TSNode n, int loop);
ol_span ol_exec_miss_lookup(ol_walker *w, TSNode n, int loop);
/* Whether an except clause catches a miss (`KeyError`, `LookupError`,
 * `NoResultFound`, `*NotFound*`, `DoesNotExist`...): its body is the fallback
 * of a lookup, run for every row the lookup misses, not an error path. */
bool ol_exec_catches_miss(ol_walker *w, TSNode clause);
/* Whether n (on the walk's path) is in an except clause inside loop that
 * catches an error, not a miss: it runs on the iterations that failed. */
bool ol_exec_in_except(ol_walker *w, TSNode n, int loop);
/* Whether a method name is a query terminal (.all(), .first(), ...) / a query builder (.filter(),
 * ...). */
bool ol_exec_is_terminal(const ol_walker *w, TSNode name);
bool ol_exec_is_builder(const ol_walker *w, TSNode name);
/* What `x.filter(...).order_by(...)` is built on: n with up to max_depth
 * builder calls taken off its outer end (the first node that is not a builder
 * call, or the last builder call when the chain is longer); *builders counts
 * the calls taken off. */
TSNode ol_exec_below_builders(ol_walker *w, TSNode n, int max_depth, int *builders);
/* Whether call writes through the session (add, delete, commit, flush, ...). */
bool ol_exec_is_session_write(ol_walker *w, TSNode call);

/* counts.c: a count query (or a project call that may return one) outside
 * loops, with its path and dependencies (ORM004); names assigned from one. */
void ol_counts_check_call(ol_walker *w, TSNode call);
/* `obj.attr` read as a value outside loops, obj one row of a model (`self`, `obj =
 * M.query.get(...)`): a count if attr is a deferred count column property. */
void ol_counts_check_attribute(ol_walker *w, TSNode attr);
void ol_counts_check_assignment(ol_walker *w, TSNode assign);
/* After a return statement's children: it returns what a count computed. */
void ol_counts_check_return(ol_walker *w, TSNode ret);
/* Notes a session write (in a loop too): counts on either side see other rows. */
bool ol_counts_note_write(ol_walker *w, TSNode call);
/* Whether n is a count query (a value of one COUNT). */
bool ol_counts_is_count(ol_walker *w, TSNode n);
/* `obj.rel` under the builders of n (`obj.rel.filter(...)`, obj a name), or
 * a name bound to one; empty span when n is no such chain. */
ol_span ol_counts_rel_below_builders(ol_walker *w, TSNode n);

/* calls.c: facts for the call summaries. */
int ol_calls_current(const ol_walker *w);
void ol_calls_enter_function(ol_walker *w, TSNode def);
void ol_calls_leave_function(ol_walker *w, TSNode def);
/* Records identifier n in value_refs when it is read as a value (facts.h). */
void ol_calls_note_value(ol_walker *w, TSNode n);
/* Whether a loop over it would run a number of times the code fixes (DESIGN.md "Real code":
 * bounded loops): a display, a constant, CLI values, a config read... */
bool ol_walk_iterable_is_bounded(ol_walker *w, TSNode it);
/* The index of parameter `name` of function func, -1. */
int ol_calls_param_index(const ol_walker *w, int func, TSNode name);
/* The parameter (not self/cls) of the current function name is, not bound again so far; -1. */
int ol_calls_unbound_param(const ol_walker *w, TSNode name);
/* Branches a call's arguments make dead (param_guard.c): the innermost test of
 * a parameter of the current function that n (on the walk's path, or the
 * current node's child) runs under; OL_PG_NONE when none. */
ol_param_guard ol_guard_of(ol_walker *w, TSNode n);
/* The test of a parameter of the current function cond is when it evaluates
 * to positive; OL_PG_NONE when it is none. */
ol_param_guard ol_guard_of_condition(ol_walker *w, TSNode cond, bool positive);
/* generic_reads.c: functions that read every relationship of a parameter
 * without naming one (`getattr(self, name)` over the mapper's attributes). */
void ol_generic_check_attribute(ol_walker *w, TSNode attr);
void ol_generic_check_call(ol_walker *w, TSNode call);
/* The parameter of func whose query n runs and holds the rows of (`p.all()`,
 * `p.filter(...).all()`, `list(p)`, a name bound to one of these); -1. */
int ol_generic_param_rows(ol_walker *w, int func, TSNode n);
/* The arguments of call as value tokens (facts.h ol_call_fact.args), in the
 * file's arena; NULL when a splat hides some. */
char *ol_guard_call_args(ol_walker *w, TSNode call);
/* The literal defaults of the first n_params parameters (ol_func_fact.defaults). */
char *ol_guard_defaults(ol_walker *w, TSNode params, uint32_t n_params);
/* The parameters of func (bit i: params[i]) that def's body binds again. */
uint32_t ol_guard_rebound(ol_walker *w, TSNode def, int func);
/* Whether call expires or detaches every object of a session (`session.commit()`,
 * rollback, expire, expire_all, refresh, close, remove, expunge): a get by key
 * after it runs a SELECT again. */
bool ol_calls_expires_session(ol_walker *w, TSNode call);
int ol_calls_row_key(ol_walker *w, int ctx, TSNode a, char **attr);
void ol_calls_check_call(ol_walker *w, TSNode call, int ctx);
void ol_calls_check_attribute(ol_walker *w, TSNode attr, int ctx);
/* `fn(row)` where fn is a loop variable over a local display of lambdas (`for name, (title, fn) in
 * columns.items()`, columns = {"a": ("A", lambda x: x.rel), ...}): each lambda runs on row, its
 * reads of its parameter are reads of row. */
void ol_calls_check_display_call(ol_walker *w, TSNode call, int ctx);
void ol_calls_check_return(ol_walker *w, TSNode ret);
void ol_calls_note_one(ol_walker *w, TSNode value, bool yields);
void ol_calls_note_coll(ol_walker *w, TSNode value);
void ol_calls_check_callback(ol_walker *w, TSNode fn, int loop);
void ol_calls_check_passed(ol_walker *w, TSNode value);
/* 1 + the parameter value hands back (ol_binding.passes_param), 0 when none. */
int ol_calls_passes_param(ol_walker *w, TSNode value);
/* A return (null: a bare one) or a yield (yields) of the current function: whether what it hands
 * back is a query of a model its caller passes (ol_func_fact.ret_model). */
void ol_calls_note_model(ol_walker *w, TSNode value, bool yields);
void ol_calls_check_import(ol_walker *w, TSNode stmt);
void ol_calls_module_statement(ol_walker *w, TSNode stmt);
void ol_calls_loop_iterable(ol_walker *w, int loop, TSNode holder, TSNode iterable);
ol_span ol_calls_bound_call(ol_walker *w, TSNode name);
/* The `self.<attr>` read (a property of the class, perhaps returning a
 * query) that chain is built on through builders other than .options(),
 * directly or through names bound so (`q = self._query`, `q =
 * q.filter(...)`); empty when none. */
ol_span ol_calls_prop_source(ol_walker *w, TSNode chain);
/* The same, or the project call chain is built on directly with builders
 * other than .options() (`self._query(ids).filter(...)`, `pending()`): the
 * read or call whose returned query chain runs; empty when none. */
ol_span ol_calls_query_source(ol_walker *w, TSNode chain);
void ol_calls_finish(ol_walker *w);
void ol_calls_check_assignment(ol_walker *w, TSNode assign);
/* s as the walk's interned copy (a fact string from elsewhere). */
char *ol_walk_intern_string(ol_walker *w, const char *s);
/* Brings the names a call may resolve through up to date; *hash gets a
 * hash of the set (whatever the order they came in). */
void ol_calls_roots(ol_walker *w, uint64_t *hash);

/* render.c: `render_template("name.html", key=value)`: what a view binds a template's names to. */
void ol_render_check_call(ol_walker *w, TSNode call);

/* walk_memo.c: the editor's walk of a new version of a file. */
void ol_walk_memo_begin(ol_walker *w, ol_walk_memo **memo);
/* At a top-level statement: its facts put back from the memo (the walk
 * skips it), or a function recorded until _leave, or neither. */
typedef enum { OL_MEMO_NONE, OL_MEMO_REPLAYED, OL_MEMO_RECORDING } ol_memo_step;
ol_memo_step ol_walk_memo_enter(ol_walker *w, TSNode stmt);
void ol_walk_memo_leave(ol_walker *w);
void ol_walk_memo_finish(ol_walker *w);

/* models.c: the leading column expression of Index("ix", a, ...),
 * UniqueConstraint(a, ...), PrimaryKeyConstraint(a, ...); null for another call. */
TSNode ol_models_index_leading(ol_walker *w, TSNode call);
/* `Model.attr = column_property(<count select>, deferred=True)` outside the
 * class body, Model a class of this file: its counting column. */
void ol_models_check_attribute_assignment(ol_walker *w, TSNode assign);

/* lookups.c: lookup keys (ORM007) and indexes declared at module level. */
void ol_lookups_check_call(ol_walker *w, TSNode call);
void ol_lookups_check_assignment(ol_walker *w, TSNode assign);
void ol_lookups_module_statement(ol_walker *w, TSNode stmt);

#endif
