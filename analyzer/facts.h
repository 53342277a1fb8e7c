/* Facts: what pass 1 keeps of a file once its tree is freed. The walk
 * records loops, the queries it saw executed (with the loop they run in and
 * the shape a batching fix needs), session writes and model classes; rules
 * decide on these facts with the project index and never see a tree. */
#ifndef OL_FACTS_H
#define OL_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "alloc.h"

typedef struct {
  uint32_t start, end; /* byte offsets; start == end means absent */
} ol_span;

static inline bool ol_span_empty(ol_span s) { return s.start == s.end; }

typedef enum {
  OL_LOOP_FOR,           /* for / async for statement */
  OL_LOOP_WHILE,         /* while statement, condition included */
  OL_LOOP_COMPREHENSION, /* list/set/dict comprehension, generator expression */
  OL_LOOP_CALLBACK,      /* a lambda called per element by map/filter/sorted/min/max */
} ol_loop_kind;

/* Where the rows a loop variable holds come from (DESIGN.md "Rows of a model"). */
typedef struct {
  char *entity;  /* the model as the query names it ("Booking"), NULL when unknown */
  ol_span query; /* the producing query or select() chain, where .options() goes; empty when none in
                    reach */
  ol_span stmt;  /* the statement holding it */
  ol_span options_args; /* the argument list of its last .options(...), empty when none */
  ol_span last;   /* the chain of the expression that finally produced the rows (before .all()) */
  ol_span assign; /* `name = <query>.all()` that bound the rows to a name, empty otherwise */
  char *eager;  /* loader paths on it, space-separated, each "J:chef/S:items" (J joined, S selectin,
                   Q subquery, I immediate, C contains_eager, D defaultload, L lazyload, R
                   raise/noload) */
  char *origin; /* where the rows come from when no query is in reach */
  char *cols[4]; /* tuples: the model of each selected column (NULL for a column that is no
                    entity): `session.query(A, B.name)`, `session.execute(select(A))`; entity is
                    then NULL and a row is read as row.A, row[0] or unpacked */
  bool tuples;   /* each row is a tuple of cols */
  /* An argument of its last .options() is neither a loader call nor a local option variable
   * whose loads are known (`*opts`): what it loads is not known (set where the walker stores the
   * rows of a loop or an argument). */
  bool options_opaque;
  char *dyn_owner, *dyn_rel; /* a query of relationship dyn_rel of one dyn_owner row (`post.tags
                                .filter(...)`, a dynamic relationship): entity is NULL, the index
                                knows the target */
  bool options_kw;    /* query is `session.get(M, pk)`: options go into its options=[...] keyword
                         (options_args is that list, empty when there is none) */
  bool options_read;  /* every argument of the last .options() that is not a loader call is a
                         local option variable (`s = joinedload(A.b)`, `*opts` of a list of
                         loaders) whose loads eager holds: the options are known */
  ol_span get_key;    /* query is `db.get_or_404(M, pk)`, which takes no options: pk; a fix
                         writes db.one_or_404(db.select(M).filter_by(<pk column>=pk).options(...)) */
  char *options_self; /* the last .options() splats `*self.<options_self>` (a class attribute
                         subclasses set, `_query_options = ()`), its other arguments loader calls
                         or read option variables: what it loads is what the class at hand binds
                         (ol_index_class_options), unknown elsewhere; NULL */
} ol_rows;

typedef struct {
  ol_loop_kind kind;
  bool is_async;
  bool has_rows; /* the loop variable rows_var holds rows of rows.entity */
  uint64_t rows_var;
  ol_rows rows;
  int rows_parent; /* or: rows of relationship rows_via of the rows of this enclosing loop, -1 */
  char *rows_via;  /* the collection the rows come through: of rows_parent's rows, or (rows_parent
                      -1) of the one row `rows` loaded (`post = session.get(Post, id)`, `self`) */
  uint64_t col_vars[4]; /* tuples unpacked (`for a, b in session.query(A, B)`): the name bound to
                           each column, 0 for none; rows_var is then 0 or the tuple's name */
  int parent;           /* index of the enclosing loop in the same function, or -1 */
  ol_span header;       /* `for x in y` / `while c` / the comprehension's first clause / the call */
  ol_span node;         /* the whole loop statement, comprehension or call */
  ol_span stmt;         /* the statement holding the loop: code a fix adds goes before it */
  bool stmt_starts_line; /* only indentation precedes stmt on its line */
  ol_span target;        /* loop variable(s); empty for while and callbacks */
  ol_span iterable;      /* the first clause's iterable; empty for while */
  bool iterable_is_list; /* a name bound to a list in this scope: safe to iterate twice */
  bool iterable_finite;  /* a list, a query, a range...: reading it up front ends */
  bool bounded; /* its size is fixed by the code, not the data (a display, range(10), an Enum, a
                   table's columns, a config value): what runs in it is not per row */
  bool lazy_generator; /* a generator expression not consumed on the spot */
  bool target_rebound; /* the loop variable is assigned again in the body */
  bool writes_session; /* the loop adds, deletes, commits, flushes or bulk-writes */
  bool has_jump; /* break, continue, return, raise or yield in its body: it may stop early or skip
                    rows */
  bool polls;    /* it sleeps: it re-reads on purpose */
  bool exits;    /* a break or return leaves it from its own body: a while loop that does is a
                    retry, poll or paging loop, run until its query answers */
  bool external_work;     /* its body calls out of the process per item (HTTP, mail, files, storage,
                             plugins, subprocesses, sleep, task queues): each item is a unit of work
                             whose database cost is not what a maintainer tunes */
  bool iterable_changes;  /* the loop changes what it iterates over (queue.append(...)) */
  bool iterable_rebound;  /* the iterable is a name bound more than once in its scope (perhaps in
                             a branch), or named again between its binding and the loop
                             (`names.extend(rows)`): the binding is not surely what it holds */
  bool expires;           /* its body expires or detaches the session's objects (rollback, expire,
                             expire_all, refresh, close, remove, expunge): a get by key then
                             runs a SELECT again (a commit is in commits) */
  const char *insert_why; /* why no statement can go before stmt, NULL when one can */
  ol_span rows_call;  /* the iterable is this call of a project function (`for b in get_bookings()`,
                         `for b in self._base().filter(...).all()`): its summary may say it returns
                         rows, or a query; rows_var names the loop variable, and rows.query is the
                         chain at the loop built on the call (where an eager option goes when the
                         call returns a query), rows.entity NULL (the summary knows it) */
  int32_t rows_param; /* the iterable is this parameter of the function (its elements are rows when
                         a caller passes rows: DESIGN.md "Calls"); rows_var names the loop variable;
                         -1 */
  ol_span scope;      /* the enclosing function (or module): where new names must be free */
  ol_span outside_branch; /* the first part of a branch (ol_exec_branch_of) in which its body
                             calls out of the process whenever that part runs; empty when none */
  char *context; /* a template's loop: the context name its iterable is (`posts`, `page.items`),
                    bound by the views that render the template (analyzer/templates.c) */
  char *self_cls, *self_attr; /* the iterable is `self.<self_attr>` (self_one false) or a collection
                                 rows_via of the one row `self.<self_attr>` holds (self_one true),
                                 in a method of class self_cls: what the class's methods (its bases'
                                 and subclasses') assign to it says (ol_self_fact); NULL */
  /* The iterable's size is fixed by the code only if attribute fixed_attr of class fixed_cls
   * (`self.fields`, `User.fields`), which the class body binds to a display of constants, keeps
   * it: bounded is false, and the rules decide once the project is known (attr_writes,
   * subclasses: ol_index_loop_fixed_attr); NULL */
  char *fixed_cls, *fixed_attr;
  bool self_one;
  int8_t via_param; /* the iterable is `p.<rows_via>` for parameter p (below 31) of the function,
                       not bound again before the loop: a collection of the row every caller
                       passes there (param_types.c), -1 */
} ol_loop;

typedef enum {
  OL_EXEC_TERMINAL,  /* .all() .first() ... on a query */
  OL_EXEC_SESSION,   /* session.execute/scalars/scalar/get */
  OL_EXEC_DB_HELPER, /* db.get_or_404/first_or_404/one_or_404/paginate */
  OL_EXEC_ITERATE,   /* a query iterated: for, comprehension, list(q) ... */
  OL_EXEC_SUBSCRIPT, /* q[0], q[:10] */
} ol_exec_how;

/* How one key-filtered query can become one IN query keyed by the loop variable. */
typedef enum {
  OL_BATCH_NONE,
  OL_BATCH_FIRST, /* first match per key, in the query's order */
  OL_BATCH_ALL,   /* every match per key, in the query's order */
  OL_BATCH_GET,   /* primary-key lookup */
  OL_BATCH_COUNT, /* a count per key: a correlated count column of the outer query (ORM003) */
} ol_batch_mode;

typedef struct {
  ol_batch_mode mode;
  ol_span rows; /* the expression that yields the rows when iterated, keyed filter removed */
  ol_span cut;  /* inside rows: text to remove (the key kwarg, `.filter_by(..)` or `.get(..)`) */
  ol_span swap; /* inside rows: the comparison to replace with `<col>.in_(keys)` */
  ol_span key;  /* the key expression, e.g. `b.chef_id` */
  ol_span use;  /* the whole expression the loop reads (replaced by the dict lookup) */
  char *entity; /* "Chef" */
  char *column; /* "chef_id"; NULL for GET until the index gives the primary key */
  bool append_filter; /* add `.filter(Entity.column.in_(keys))` after rows (1.x chains) */
  bool session_get;   /* `session.get(M, key)`: rows is built from the session */
  ol_span session;    /* the session expression, for session_get */
  bool uses_select;   /* the file imports `select`: build 2.0-style rows */
  bool awaited;       /* an AsyncSession call: the IN query is awaited too */
} ol_batch;

/* A test of one parameter of the function a site is in, which the site runs
 * only when it holds (DESIGN.md "Calls": a branch the call's arguments make
 * dead): `if p:`, `if not p:`, `if p is None:`, `if p == "x":`, the `else:`
 * of those, one side of `p and ...`. A call that passes p a literal (or
 * leaves p its literal default) decides it; anything else keeps the site. */
typedef enum {
  OL_PG_NONE,     /* no such test: runs on every call */
  OL_PG_TRUE,     /* p is truthy */
  OL_PG_FALSE,    /* p is falsy */
  OL_PG_IS_NONE,  /* p is None */
  OL_PG_NOT_NONE, /* p is not None */
  OL_PG_EQ,       /* p == lit */
  OL_PG_NE,       /* p != lit */
} ol_pguard_test;

typedef struct {
  char *lit;      /* EQ/NE: the literal as a value token (ol_call_fact.args), NULL otherwise */
  uint32_t test;  /* an ol_pguard_test */
  uint32_t param; /* the parameter's index */
} ol_param_guard;

/* The tests a function's sites of one effect run under, any one of which lets
 * it run; any[0].test OL_PG_NONE: some site runs on every call (also when
 * more tests than fit would be needed). */
#define OL_GUARD_ANY 2
typedef struct {
  ol_param_guard any[OL_GUARD_ANY];
} ol_guard_set;

bool ol_guard_same(const ol_param_guard *a, const ol_param_guard *b);
/* One more way to run, under g (OL_PG_NONE: always). Returns whether set changed. */
bool ol_guard_set_add(ol_guard_set *set, const ol_param_guard *g);

typedef struct {
  ol_span span;  /* the executing expression */
  ol_span hoist; /* what a hoist moves: span, or span with the reads of its Result (`.first()`) */
  bool
      hoist_copy; /* the hoisted value is a list or an iterator: each iteration reads list(value) */
  bool guarded;   /* under an if/try/conditional inside its loop: runs only for some rows */
  bool in_try;    /* in a try body inside its loop */
  bool in_except; /* in an except clause inside its loop that catches an error, not a miss
                     (ol_exec_catches_miss): runs on the iterations that failed */
  bool raises;    /* .one() / *_or_404: raises or aborts where it runs */
  char copy_fn[8]; /* "list"/"set"/"dict": each iteration reads a fresh copy of the hoisted value */
  bool hoist_listify; /* hoist list(...) of it: it is a one-shot iterator (enumerate, map, ...) */
  ol_exec_how how;
  char method[24]; /* "first", "scalars", "iterate", "subscript" ... */
  bool is_count;   /* a count query: ORM003's, not ORM001's */
  bool awaited;
  bool lazy_init;     /* in the block of `if self.x is None:` / `if not self.x:` (or of a name the
                         function declares global) that sets that same target: it runs once per
                         instance or process, not per call of its function (not in its summary) */
  bool lazy_self;     /* lazy_init on `self.x`: once per instance; in its function's summary, marked
                         (ol_func_site.self_memo): a call on another instance runs it again */
  int loop;           /* innermost loop it runs in on every iteration, or -1 */
  int dep_loop;       /* innermost enclosing loop it depends on, or -1 */
  char *dep_name;     /* the name that makes it depend on dep_loop */
  int hoist_loop;     /* outermost loop it can be hoisted out of, or -1 */
  char *no_hoist_why; /* why it stays in a loop it does not depend on */
  ol_batch batch;     /* how it batches over loop `loop` (mode NONE: see batch_why) */
  char *batch_why;
  char *entity;         /* model name when known ("Chef"), else NULL */
  int func;             /* the function it runs in (index into funcs), -1 at module level */
  ol_param_guard guard; /* a test of a parameter of func it runs under */

  /* A get by primary key (`session.get(M, k)`, `M.query.get(k)`) whose key is a plain name or
   * `name.attr` (not a loop's row key): that key; empty otherwise. */
  ol_span pk_key;
  /* Or its key is `<row>.<pk_attr>` on the rows variable of loop pk_loop (a row the session holds
   * for the iteration when the model is exactly the rows' own): pk_loop, -1. */
  int32_t pk_loop;
  char *pk_attr;
} ol_query_site;

/* How a relationship loads (DESIGN.md "Models"). */
typedef enum {
  OL_LAZY_SELECT, /* the default, also True: one SELECT on first access */
  OL_LAZY_JOINED, /* also False */
  OL_LAZY_SELECTIN,
  OL_LAZY_SUBQUERY,
  OL_LAZY_IMMEDIATE, /* one SELECT per parent at load time */
  OL_LAZY_NEVER,     /* raise, raise_on_sql, noload, None */
  OL_LAZY_DYNAMIC,   /* a query on access */
  OL_LAZY_WRITE_ONLY,
} ol_lazy;

typedef enum {
  OL_REMOTE_UNSAID,  /* no remote side written */
  OL_REMOTE_KEY,     /* no foreign-key column is remote (the key it points to is): many-to-one */
  OL_REMOTE_FK,      /* a foreign-key column is remote: one-to-many */
  OL_REMOTE_UNKNOWN, /* written, but not a column declared above it in the class body */
} ol_remote;

typedef struct {
  char *name;   /* the attribute */
  char *target; /* the target class's name, quotes and module path stripped */
  ol_lazy lazy;
  int uselist;    /* 1 collection, 0 scalar, -1 not said (decided from foreign keys), -2 computed
                     (`uselist=cls.x`): unknown */
  bool secondary; /* many-to-many */
  /* A self-referential relationship's remote side (`remote_side=`, `remote(...)` in its
   * primaryjoin), as an ol_remote; backref_remote: the same said in backref(...). */
  int8_t remote, backref_remote;
  char *backref; /* creates target.<backref> */
  ol_lazy backref_lazy;
  int backref_uselist; /* as uselist */
  char *back_populates;
  ol_span span;       /* the declaration statement */
  uint32_t line, col; /* of span.start, col in UTF-16 units */
  ol_span lazy_value; /* the lazy= value, to rewrite `immediate` */
  /* A mixin's `@declared_attr` relationship may compute its target, lazy=,
   * backref name or backref lazy= from class attributes (`cls.X`): the
   * attribute's name, resolved per subclass by the index; NULL when written
   * as a literal (or not computed from `cls`). */
  char *target_attr, *lazy_attr, *backref_attr, *backref_lazy_attr;
  /* `name = association_proxy("collection", "attr")`: not a relationship of
   * its own; reading it loads `collection` (and `attr` of each element). */
  char *proxy_of, *proxy_attr;
} ol_rel_fact;

/* The declared type of a column as far as fixes care: whether Python's
 * equality on its values is the database's (integers: yes; strings: the
 * collation decides; other types: only against the same type). */
typedef enum {
  OL_COL_UNKNOWN, /* not declared on the column (a bare ForeignKey), or not read */
  OL_COL_INTEGER,
  OL_COL_STRING,
  OL_COL_OTHER,
  OL_COL_TEXT, /* a string without a length (Text, UnicodeText): MySQL indexes a prefix */
} ol_column_kind;

typedef struct {
  char *name;
  char *fk_table; /* the table a ForeignKey("table.col") points to, else NULL */
  char *fk_class; /* the class a ForeignKey(Model.col) points to, else NULL */
  char *db_name;  /* the database's name of the column, Column("name", ...), else NULL */
  bool pk, indexed;
  bool deferred; /* deferred(Column(...)), mapped_column(..., deferred=True): loaded on access */
  bool counts;   /* column_property(<a select of func.count()>), in the class body or as
                    `Model.attr = ...` in its file: no table column; deferred, a COUNT per
                    first read on each row */
  bool boolean;  /* a Boolean, Enum or ChoiceType column: a few values, a poor index key alone */
  uint8_t type_kind;   /* an ol_column_kind: what Python values it holds, for fixes that compare */
  ol_span decl;        /* the declaration statement */
  ol_span index_value; /* an explicit `index=...` value (index=False), empty when none */
  uint32_t insert_at;  /* where `index=True` goes in the Column(...) call; 0: no call */
  bool insert_comma;   /* it follows an argument: insert `, index=True` */
} ol_column_fact;

/* A class as pass 1 saw it, for the project index. */
typedef struct {
  char *name;
  char *tablename; /* __tablename__, NULL when not set */
  char *bind_key;  /* __bind_key__ (Flask-SQLAlchemy: another database), NULL when not set */
  ol_rel_fact *rels;
  size_t n_rels;
  ol_column_fact *columns;
  size_t n_columns;
  char **members; /* properties, hybrids and methods */
  size_t n_members;
  char **bases; /* dotted base expressions as written */
  size_t n_bases;
  char **pk; /* primary-key column attribute names, in order */
  size_t n_pk;
  char **leading; /* leading columns of Index/UniqueConstraint/PrimaryKeyConstraint in
                     __table_args__ (attribute or column names as written) */
  size_t n_leading;
  char **attrs;   /* class attributes bound to a plain string or name, as pairs: attrs[2k] the
                     attribute, attrs[2k+1] the string's contents or the name ("None" for None);
                     what a mixin's declared_attr reads as cls.<attribute> */
  size_t n_attrs; /* entries: twice the pairs */
  bool abstract;
  bool opaque_indexes; /* __table_args__ is computed (a helper's call, a name, an expression, a
                          @declared_attr function): which columns it indexes is not known */
  bool imperative;     /* `registry.map_imperatively(Cls, table, properties=...)` / `mapper(...)`:
                          mapped by that call, whatever its bases; the class of that name is a model */
  bool declares_declarative_base; /* `X = declarative_base()` assigns, recorded as a class-like fact
                                   */
  uint32_t line;
} ol_class_fact;

/* `row.rel` (and `row.rel.sub`) read on every iteration of a loop over rows. */
typedef struct {
  int loop;
  ol_span span; /* `row.rel` */
  char *attr;
  char *attr2;       /* `sub` of row.rel.sub, NULL when none */
  ol_span span2;     /* `row.rel.sub` */
  ol_span call2;     /* `row.rel.sub()` when sub is called with no arguments */
  int32_t col;       /* rows of tuples: 1 + the column read (`a.rel` of `for a, b in ...`,
                        `row.A.rel`, `row[0].rel`), 0 for rows of one model */
  ol_span count2;    /* `row.rel.filter(...).count()`: the count after builders, empty when none */
  ol_span builders2; /* `.filter(...)` ...: the builders between `row.rel` and `.count()` */
} ol_attr_read;

/* `session.commit()` / `.flush()` run on every iteration of a loop. */
typedef struct {
  int loop;
  ol_span span;        /* the call (with its await) */
  ol_span stmt;        /* the statement that is only this call, empty when it is part of more */
  bool alone_in_block; /* the block holds nothing else: removing it needs `pass` */
  bool flush;
  bool guarded;       /* under an if/try inside the loop: runs for some rows only */
  const char *exempt; /* why this commit is meant to run per iteration, NULL when it is not */
  ol_span branch;     /* the part of a branch inside its loop it runs in (ol_exec_branch_of) */
  ol_span miss;       /* get-or-create: it runs only when this lookup call, just before, found
                         nothing (ol_exec_miss_lookup); empty when not */
} ol_commit_site;

/* `len(...)` of rows loaded only to be counted, outside loops (ORM005). */
typedef enum {
  OL_LEN_QUERY_ALL,
  OL_LEN_LIST_QUERY,
  OL_LEN_SCALARS_ALL,
  OL_LEN_RELATION
} ol_len_kind;

typedef struct {
  ol_len_kind kind;
  ol_span span;    /* the len(...) call */
  ol_span query;   /* the query chain, or the select() statement for SCALARS_ALL */
  ol_span session; /* SCALARS_ALL: the session */
  bool plain; /* no join, outerjoin, select_from, distinct, union, grouping: count() counts the same
                 rows */
  char *entity;   /* RELATION: the model of the object, from where it was loaded */
  ol_span object; /* RELATION: `obj` of len(obj.rel) */
  char *rel;      /* RELATION: `rel`; in a template: the context name counted */
  ol_span scope;  /* RELATION: the function, where other uses of obj.rel would make the load free */
} ol_len_site;

/* A count query run outside loops (ORM004), in the order the walk meets them. */
typedef enum {
  OL_COUNT_QUERY,   /* `<query>.count()` */
  OL_COUNT_SELECT,  /* a query or select() of func.count() read as one value: `.scalar()`,
                       `session.scalar(...)`, `session.execute(...).scalar()` */
  OL_COUNT_CALL,    /* a call of a project function: a count when its summary returns one */
  OL_COUNT_ON_CALL, /* `f(...).filter(...).count()`: a count when f returns a query (select: the
                       call of f) */
  OL_COUNT_ON_REL,  /* `obj.rel.filter(...).count()`, obj's model unknown here: a count when every
                       relationship named rel in the project is dynamic (select: `obj.rel`) */
  OL_COUNT_ON_ATTR, /* `obj.attr` read of one row obj of model entity (`self` in a method of it,
                       `obj = M.query.get(...)`): a count when attr is a deferred COUNT column
                       property of it the load does not undefer (select: `obj.attr`) */
} ol_count_form;

typedef struct {
  ol_span stmt;          /* the statement holding it */
  uint32_t next_start;   /* where the next statement of its block starts, 0 when none */
  char *name;            /* what names its value: the variable assigned, a dict key, a keyword
                            argument, a subscript's string key; NULL */
  ol_span call;          /* the count expression (with its await) */
  ol_span prefix;        /* QUERY: `Model.query` or `session.query(Model)` */
  ol_span chain_end;     /* QUERY: end of the builders (before `.count()`) */
  ol_span select;        /* SELECT: the query or select() of one func.count(...) */
  char *entity;          /* the model counted, NULL when unknown */
  ol_span session;       /* the session it runs on, empty for Model.query */
  bool convertible;      /* a scalar subquery computes the same value (one count column; builders
                            that keep one row: filter, filter_by, where, join, outerjoin, order_by,
                            select_from) */
  bool assigned;         /* the statement is exactly `name = <count>` */
  bool simple;           /* the statement is an expression statement or a return: it runs the
                            count each time it runs */
  bool guarded;          /* within its statement, a conditional expression or `and`/`or` runs it
                            only sometimes */
  uint8_t form;          /* an ol_count_form */
  ol_span scope;         /* the function it is in (or the module): where new names must be free */
  char *arms;            /* the branch arms around it in its function, "branch:arm ..." as byte
                            offsets from scope.start; NULL when none */
  uint32_t path_end;     /* nothing of the function from here on runs after it (a return or raise
                            ends its block); 0 when none */
  int32_t dep;           /* the latest earlier count (index) whose result its query or the
                            conditions around it read, -1 */
  int32_t dep_call;      /* the same for the latest OL_COUNT_CALL entry, -1 */
  int32_t load;          /* ON_ATTR: what loaded obj in this function (index into func_rows), -1
                            when not in reach (`self`, a parameter) */
  uint32_t decides_end;  /* `if <count>:` whose arms run loops: the end of that if (what the count
                            decides may change what later counts see), 0 */
  uint32_t write_before; /* the last session write (add, delete, commit...) before it outside
                            loops in its function, 0 when none: counts on either side of it
                            see different rows */
} ol_count_stmt;

/* How a query uses a column as a lookup key (ORM007). */
typedef enum {
  OL_LOOKUP_EQUAL,    /* filter_by(col=...), == , in_(), is_() */
  OL_LOOKUP_RANGE,    /* <, <=, >, >=, between() */
  OL_LOOKUP_ORDER,    /* order_by(E.col), desc(E.col) */
  OL_LOOKUP_JOIN,     /* a join condition A.x == B.y */
  OL_LOOKUP_RELATION, /* E.rel joined, eagerly loaded, or compared: the foreign key behind it */
  OL_LOOKUP_PARENT,   /* E.query.with_parent(obj): E's foreign key to obj's class (which one the
                         walk cannot tell; column is "with_parent") */
} ol_lookup_kind;

/* A column (or relationship) a query looks rows up by, as written. */
typedef struct {
  ol_lookup_kind kind;
  /* EQUAL (==, in_, is_, filter_by): compared to a value the code names (a
   * literal, a constant, an Enum member, a display of those), one of the
   * column's few named values. */
  bool named;
  char *entity;   /* the model expression ("Booking", "models.Booking"); aliases and cls resolved */
  char *column;   /* the attribute: a column or, for RELATION, a relationship */
  ol_span span;   /* the keyword, comparison, order_by argument or option */
  uint32_t query; /* start byte of the query chain: lookups with the same value are one query */
} ol_lookup;

/* An index declared outside a class body: `Index("ix", Model.a, Model.b)`
 * at module level (its leading column). */
typedef struct {
  char *entity;
  char *column;
} ol_index_decl;

/* ---- calls (DESIGN.md "Calls"): what the function summaries are built from */

/* Where a fact is: a span of its file (positions are computed when a
 * finding needs them, from the file read again). */
typedef struct {
  ol_span span;
} ol_place;

typedef enum {
  OL_FN_FUNCTION,    /* module-level or nested def */
  OL_FN_METHOD,      /* def in a class body: self first */
  OL_FN_STATIC,      /* @staticmethod */
  OL_FN_CLASSMETHOD, /* @classmethod: cls first */
  OL_FN_PROPERTY,    /* @property, @cached_property, @hybrid_property: read as row.name */
  OL_FN_SETTER,      /* @x.setter / @x.deleter / @x.expression: never a read */
} ol_fn_kind;

/* What a function can run (the index's summaries carry them through calls). */
typedef enum { OL_EFFECT_QUERY, OL_EFFECT_COUNT, OL_EFFECT_COMMIT, OL_EFFECTS } ol_effect;

/* The first site of an effect a function runs itself. */
typedef struct {
  ol_place at;
  char *text;     /* brief, for messages */
  bool self_memo; /* in a memo on self (ol_query_site.lazy_self): once per instance; a call of the
                     function on self (the same instance) does not run it again */
} ol_func_site;

/* The rows a function returns (`return <query>`), with where its query is. */
typedef struct {
  ol_rows rows;
  ol_place at;
} ol_func_rows;

typedef struct {
  char *name;
  char *cls;     /* the class whose body defines it, NULL */
  char **params; /* in order, self/cls included */
  int32_t outer; /* the function it is nested in, -1 */
  uint32_t n_params;
  ol_fn_kind kind;
  int32_t site[OL_EFFECTS]; /* its own first query, count, commit: index into func_sites, -1 */
  int32_t rows;             /* `return <query>`: index into func_rows, -1 */
  int32_t one;       /* every value it returns is None or the one row a query of its own loads
                        (`return cls.query.get(oid)`, `obj = M.query.get(i)` ... `return obj`): index
                        into func_rows, -1 none seen, -2 it returns or yields anything else */
  ol_span one_call;  /* or: every value it returns is None or what this call of a project function
                        returns (`obj = cls.get(oid)` ... `return obj`); one is then -1 */
  int32_t ret_param; /* it returns (or yields from) this parameter, builders on it allowed
                        (`return q.filter(...)`, `yield from q.order_by(c)`): its result is
                        the rows its caller passes there; -1 none, -2 it returns other
                        values too */
  int32_t ret_model; /* every value it returns is a query of the model its caller passes as this
                        parameter (`return model.query`, `return db.session.query(model)`, either
                        arm of a conditional, builders that change no loading allowed): -1 none
                        seen, -2 it returns or yields anything else */
  ol_span ret_call;  /* `return f(...)` (or `q = f(...)` then `return q`): the call whose result it
                        returns, empty when none */
  ol_span ret_rows_call; /* `return f(...).filter(...).all()` (in list(...), sorted(...) too): the
                            rows of the query f returns, builders that change no loading on the way;
                            empty when none */
  bool ret_builders;     /* `return f(...).filter(...)`: a query built on what f returns */
  bool returns_query;    /* `return <query>` not executed: its caller runs it */
  bool returns_count;    /* `return <count query>`: its value is one COUNT's */
  char *ret_coll;        /* a property of a class whose every return is `self.<ret_coll>`, copied,
                            reordered or filtered (`return [x for x in self.items if x.on]`,
                            `sorted(self.items, key=k)`): its elements are rows of that attribute
                            (ol_index_collection); "" when it returns or yields anything else, NULL
                            when no return is seen */
  int8_t fixed_ret;      /* 1: every return returns a non-empty display of constants (`return ["a",
                            "b"]`), so a loop over its result is bounded like one over the display;
                            -1: some return or yield gives another value; 0: no return seen yet */
  bool memoized; /* a memoizing decorator (functools.cache, @cache.memoize, ...): a call with
                    arguments seen before is a cache read */
  bool external; /* its own body calls out of the process (HTTP, mail, files, plugins...) */
  ol_place def;  /* its name */
  /* With site[e]: the tests its own sites of e run under (an ol_guard_set, ol_func_guards),
   * kept as arrays of scalars: GCC 12's __builtin_clear_padding (cache_facts.c) clears bytes of
   * an array of structs inside a struct. */
  char *guard_lit[OL_EFFECTS * OL_GUARD_ANY];
  uint32_t guard_test[OL_EFFECTS * OL_GUARD_ANY];
  uint32_t guard_param[OL_EFFECTS * OL_GUARD_ANY];
  char *defaults;   /* the literal default of each parameter as value tokens, one per parameter,
                       each ended by '\x1f' ("" no default, "B" a bounded display, "?" any other) */
  uint32_t rebound; /* parameters (bit i: params[i], i < 32) the body binds again: a test of
                       one does not read what the caller passed */
  bool expires;     /* it commits (in a transaction of its own too), rolls back, expires, refreshes,
                       closes or expunges: every object (or one) is expired or detached */
  bool enumerates_attrs; /* its body lists the mapped attributes of a class or row
                           (`inspect(x).attrs`, `all_orm_descriptors`, `__mapper__.relationships`,
                           `dir(x)`): a generic read through it names every relationship */
  bool wrapped; /* a decorator other than the known ones (property, staticmethod, classmethod,
                   setters, abstractmethod, a memoizer...) may call it with arguments of its own */
  char *decos;  /* with wrapped: the names of its decorators (each ended by '\x1f'; "name(" for
                   `@name(...)`) when each is a plain name the index may find in the project
                   as a transparent decorator; NULL otherwise */
  uint8_t transparent; /* 1: a decorator that calls what it wraps with the caller's arguments as
                          they are (`def deco(f): @wraps(f) def w(*a, **k): ... f(*a, **k) ...;
                          return w`); 2: a factory that returns one (`def deco(x): def d(f): ...;
                          return d`); 0 neither */
  bool stub; /* a method whose body is only `raise NotImplementedError` (after a docstring):
                what a call of it on self runs is a subclass's override */
  /* Every query it runs itself is a get by primary key of parameter pk_param on one model (the
   * entity of queries[pk_query]): -1 it runs none, -2 some other. */
  int8_t pk_param;
  int32_t pk_query;
} ol_func_fact;

/* `p.attr` (or `p.attr(...)`) read on parameter p of a function: a lazy
 * relationship, property or method of whatever model the caller passes.
 * attr OL_READ_EVERY: every relationship, read generically (`getattr(p, name)`
 * for each name the mapper lists: generic_reads.c). */
#define OL_READ_EVERY "*"
/* attr OL_READ_SCALARS: every scalar relationship (many-to-one, one-to-one), read generically
 * over the mapper's attributes less (some of) the collections (`a for a in attrs if not
 * is_collection(a)`: generic_reads.c). */
#define OL_READ_SCALARS "="
typedef struct {
  int func;
  uint32_t param;
  char *attr;
  bool called;
  bool rows;    /* read on each element of p (a loop over the parameter), not on p */
  bool counted; /* `p.attr[.filter(...)].count()`: a COUNT when attr is a dynamic relationship */
  ol_param_guard guard; /* a test of a parameter of func it runs under (as a query site's) */
  char *args; /* called: its arguments as value tokens (ol_call_fact.args), what decides the
                 tests of the method's parameters; NULL */
  ol_place at;
} ol_param_read;

#define OL_CALL_ARGS 6

/* An argument of a call, kept when it is a parameter, a loop's rows or rows of a query. */
typedef struct {
  char *kw;       /* keyword name, NULL for a positional argument */
  int32_t param;  /* the argument is this parameter of the calling function, -1 */
  int32_t loop;   /* the argument is the rows variable of this loop (or the element of a loop over
                     a parameter), -1 */
  bool has_rows;  /* the argument holds rows of a query (`helper(posts)` after `posts =
                     Post.query.all()`, `helper(Post.query.all())`): rows */
  int8_t col;     /* with loop: 1 + the column of the loop's tuples the argument is (`row.A`,
                     `row[0]`, `a` of `for a, b in session.query(A, B)`), 0 for its rows variable */
  bool one;       /* not has_rows: the argument is one row rows loaded (`Form.query.get(i)`, a name
                     bound to one: `form = db.session.get(Form, i)`) */
  bool fixed;     /* the call is in a loop and the argument is a plain name no loop of its nest
                     binds (the memo's notion, ol_call_fact.args_loop): one value for the nest; or
                     `<name>.<key_attr>` on such a name (param, loop and key_loop < 0) */
  bool model_arg; /* the argument is a class name (`Certificate`, `models.Book`): rows.entity is
                     it as written, rows.query the call, where options go when the callee returns
                     a query of it (ol_func_fact.ret_model) and the index knows it as a model */
  int32_t via_call; /* the argument is a name last bound to what this earlier call of the same
                       function returns (`query = filter_by_owner(query, o)`, then
                       `filter_by_issuer(query, i)`), its value no rows the walk knows; -1 */
  ol_rows rows;
  int32_t key_loop; /* the argument is `<row>.<key_attr>` on the rows variable of this loop, -1 */
  /* Or `<p>.<key_attr>` on parameter p of the calling function (0: `self.<key_attr>` in a
   * method, what the class assigns to it), -1. */
  int32_t attr_param;
  char *key_attr;
  char *self_attr;   /* the argument is `self.<self_attr>` in a method: the rows the class assigns
                        to it (ol_index_self_attr_rows), NULL */
  ol_span rows_call; /* or it holds what this call of a project function returns (`helper(q)` after
                        `q = f(...).filter(...)`): rows is the chain built on it, as a loop's
                        (ol_loop.rows_call); empty */
} ol_call_arg;

/* `f(...).filter(...).first()` (or `q = f(...)` ... `q.first()`): a terminal
 * on a call's result, which runs a query when f returns one. */
typedef struct {
  bool count;
  bool direct;  /* in the same expression as the call, so in the same loop */
  int32_t loop; /* the loop the terminal runs in on every iteration (`q = f()` before the loop,
                   `q.filter(...).first()` in it), -1 */
  ol_place at;
  char *text;
} ol_call_term;

/* A call of a name the project may define: `helper(x)`, `mod.helper(x)`,
 * `self.m()`, `row.m()`, `Cls.m()`; and `self.prop` reads (attr_only). */
typedef struct {
  char *callee;       /* dotted as written */
  int32_t func;       /* the function it is in, -1 at module level */
  int32_t loop;       /* the loop it runs in on every iteration, -1 */
  int32_t recv_loop;  /* the receiver is the rows variable of this loop, -1 */
  int32_t recv_param; /* the receiver is this parameter (self/cls) of func, -1 */
  int32_t recv_call;  /* the receiver is what this call (a constructor) returned: `X(...).m()`,
                         `x = X(...); x.m()`; -1 */
  uint32_t first_arg; /* its arguments: call_args[first_arg .. first_arg + n_args), up to the */
  uint32_t n_args;    /* last one that is a parameter or rows (none: 0) */
  int32_t term;       /* index into call_terms, -1 */
  bool attr_only;     /* `self.prop` read, not called: a property runs */
  bool args_loop;     /* in a loop: an argument (or the receiver) reads a name the loop binds */
  bool args_local;    /* an argument (or the receiver) reads a name the function binds */
  bool in_branch;     /* in a loop: runs on some iterations only (a one-sided if, an except) */
  bool lazy_init;     /* in a hand-made memo's block (ol_query_site.lazy_init): runs once per
                         instance or process, so what it does is not its function's per call */
  bool lazy_self;     /* lazy_init on `self.x`: once per instance (ol_query_site.lazy_self) */
  bool in_except;     /* in a loop: in an except clause inside it that catches an error, not a
                         miss: runs on the iterations that failed */
  const char *commit_exempt; /* in a loop: why a commit it makes would be meant per iteration */
  ol_place at;
  ol_param_guard guard; /* a test of a parameter of func it runs under */
  char *args;     /* every argument as written, each `[kw=]value token` ended by '\x1f': literals
                     ("T" True, "F" False, "N" None, "i<digits>", "s<text>"), "B" an iterable whose
                     size the code fixes (a display, CLI values: ol_walk_iterable_is_bounded), "p<n>"
                     parameter n of func, "?" anything else; a bare "*" / "**" token for a splat
                     (it may pass any parameter not named, and "*" any position after it); NULL
                     when too many arguments hide some */
  ol_span miss;   /* get-or-create: it runs only when this lookup call, just before, found nothing
                     (ol_exec_miss_lookup); empty when not */
  ol_span branch; /* in a loop: the part of a branch it runs in (ol_exec_branch_of), empty when
                     it runs on every iteration (in_branch says so too) */
} ol_call_fact;

/* A name bound at module level to another module or its member:
 * `import a.b as c` (module "a.b"), `from .m import f` (level 1, module "m",
 * name "f"), and `f = helper` (module NULL, name "helper"). */
/* The longest binding the walker records (a dotted name, a module path)
 * and the most leading dots of a relative import: far beyond real code,
 * they keep each resolution's cost independent of a crafted file's size. */
#define OL_MAX_NAME_BYTES 1024
#define OL_MAX_IMPORT_LEVEL 64

typedef struct {
  char *local;
  char *module;   /* NULL for an alias */
  char *name;     /* NULL for a module import */
  uint32_t level; /* leading dots of a relative import */
} ol_import_fact;

/* One keyword of `render_template("name.html", key=value)`: what the view
 * binds the template's context name to. */
typedef struct {
  char *name;    /* the context name */
  bool has_rows; /* value holds rows of rows.entity (a query, its .all(), a pagination) */
  bool is_query; /* value is a query not run yet (`Model.query.filter(...)`) */
  ol_rows rows;
  ol_span value;
} ol_render_arg;

/* `self.attr = value` in a method of class cls: rows of a query (`self.items =
 * Item.query.filter(...).all()`), one row (`self.event = session.get(Event, id)`)
 * or anything else; a loop over `self.attr` in the class, a base or a
 * subclass reads them (DESIGN.md "Rows of a model"). */
typedef enum {
  OL_SELF_OTHER,
  OL_SELF_ROWS,
  OL_SELF_ONE,
  OL_SELF_CALL,
  OL_SELF_PARAM,
  OL_SELF_QUERY, /* the rows of the query a property of self returns (`q = self._query`,
                    `q = q.filter(...)`, `self.items = q.all()`): call is that `self._query` read;
                    builders but no options on the way */
} ol_self_kind;

typedef struct {
  char *cls, *attr;
  ol_self_kind kind;
  ol_rows rows; /* for ROWS and ONE: the query, where loader options go; for CALL origin only */
  ol_span call; /* CALL: what a call of a project function returns (`self.event = Event.get(id)`);
                   the index says whether that is one row (ol_func_fact.one) */
  int32_t func, param; /* PARAM: `self.event = event`, parameter param of function func (the
                          method it is in), not bound again before: what every call passes it
                          (param_types.c); -1 otherwise */
} ol_self_fact;

/* `render_template("name.html", ...)` in a view (templates.c links it). */
typedef struct {
  char *template; /* the template's name as written */
  ol_span call;
  int32_t func;               /* the function it is in, -1 */
  uint32_t first_arg, n_args; /* render_args[first_arg .. first_arg + n_args) */
} ol_render_fact;

/* Templates only (never cached: a template is scanned again each run). */

/* `param.attr` (`.attr2`) read in the body of a template's macro: read per
 * row where another template calls the macro with a row. Macro "" is the
 * template itself, its parameters the names it reads but does not bind:
 * an `{% include %}` in a loop passes the loop's variables. */
typedef struct {
  char *macro;
  uint32_t param;   /* its index */
  char *param_name; /* for keyword arguments */
  char *attr, *attr2;
} ol_macro_read;

/* `{% from "m.html" import a as b %}` (name "a", local "b") or
 * `{% import "m.html" as m %}` (name NULL, local "m"). */
typedef struct {
  char *local;
  char *template;
  char *name;
} ol_template_import;

/* An imported macro called with a row: `b(p)`, `m.render(post=p)`; or a
 * template included in a loop (include: callee is its name, kw the row's). */
typedef struct {
  char *callee; /* as written: "b", "m.render"; the included template's name */
  bool include;
  ol_span span; /* the call */
  int32_t loop; /* the argument is the row of this loop */
  int32_t arg;  /* its position, -1 for a keyword argument */
  char *kw;     /* the keyword, NULL */
} ol_macro_call;

typedef struct {
  ol_arena arena; /* every string in the facts */
  OL_VEC(ol_func_fact) funcs;
  OL_VEC(ol_func_site) func_sites;
  OL_VEC(ol_func_rows) func_rows;
  OL_VEC(ol_param_read) param_reads;
  OL_VEC(ol_call_fact) calls;
  OL_VEC(ol_call_arg) call_args;
  OL_VEC(ol_call_term) call_terms;
  OL_VEC(ol_import_fact) imports;
  OL_VEC(ol_count_stmt) count_stmts; /* own checks only: not read back for an unchecked file */
  OL_VEC(ol_commit_site) commits;
  OL_VEC(ol_len_site) lens;
  OL_VEC(ol_attr_read) reads;
  OL_VEC(char *) module_names; /* names bound at module level (imports, classes, defs) */
  uint32_t import_at;          /* where a new import line goes: after the last top-level import */
  /* The start of the line of each top-level statement (a comment counts), ascending, none twice:
   * a fix is proven on the statements it touches, each parsed on its own (fixes.c). */
  OL_VEC(uint32_t) stmt_starts;
  OL_VEC(ol_loop) loops;
  OL_VEC(ol_query_site) queries;
  OL_VEC(ol_class_fact) classes;
  OL_VEC(ol_lookup) lookups;
  OL_VEC(ol_index_decl) index_decls;
  OL_VEC(char *)
  declarative_bases; /* names bound to declarative_base()/registry().generate_base() */
  OL_VEC(char *)
  base_classes; /* pairs: a declarative base as models name it (`db.Model`, `Base`),
                   then the class its `cls=` (or Flask-SQLAlchemy's `model_class=`)
                   names: every model on that base inherits its methods */
  OL_VEC(ol_render_fact) renders;
  OL_VEC(ol_render_arg) render_args;
  OL_VEC(ol_self_fact) self_facts;
  /* ol_name_hash of every name read as a value, not called (`map(f, xs)`, `view_func=f`,
   * `{"a": f}`, `mod.f` not called), and of every function a decorator other than
   * staticmethod/classmethod receives: the functions the index cannot see every call of
   * (param_bounds.c). Repeats within a few entries dropped. */
  OL_VEC(uint64_t) value_refs;
  /* ol_name_hash of every attribute name written outside a class body: `x.attr = v` (v not a
   * display of constants), `x.attr += v`, `x.attr[k] = v`, `x.attr.append(v)` and the other
   * methods that grow a container, `setattr(x, "attr", v)`; repeats within a few dropped. */
  OL_VEC(uint64_t) attr_writes;
/* A name in value_refs xor this: a call of it the facts keep no record of (`x.m()` on an object
 * of unknown class, a call at module level): a method of that name, or a function called at
 * module level, has calls the index does not see (param_types.c). */
#define OL_UNSEEN_CALL 0x9e3779b97f4a7c15ull
  bool template; /* a Jinja template's facts (analyzer/jinja.c): loops and reads, no Python */
  bool borrowed; /* its tables live in the cache's region (cache.h): ol_facts_free leaves them */
  OL_VEC(ol_macro_read) macro_reads;
  OL_VEC(ol_template_import) template_imports;
  OL_VEC(ol_macro_call) macro_calls;
  uint32_t parse_errors;
  uint32_t first_error_byte;
  uint32_t unknown_query_calls; /* `x.query(Model)` on a receiver not known as a session */
} ol_file_facts;

void ol_facts_free(ol_file_facts *f);
/* Gives back the slack of f's vectors (the walk's end does, once). */
void ol_facts_shrink(ol_file_facts *f);
/* The first call fact starting at or after byte start (calls are in walk order). */
size_t ol_facts_first_call(const ol_file_facts *f, uint32_t start);
/* The call fact (not a `self.prop` read) whose span is exactly span, -1. */
int32_t ol_facts_call_at(const ol_file_facts *f, ol_span span);
/* Whether the code in src[within) calls a method of the object name[0..n) holds (`it.step()`)
 * or passes it whole to a call (`advance(it)`): that code may change what the object's
 * attributes hold, in whatever file it is (unparsed by the prefilter too), so `it.current_id` is
 * no key fixed for a loop whose body that is. */
bool ol_text_calls_method_of(const char *src, ol_span within, const char *name, size_t n);
/* Whether the name at src[i, i + n) (code from lo on) may be changed in place there: a method
 * called on it other than a read (`names.extend(rows)`), an augmented assignment (`names +=
 * rows`), or handed whole to a call other than a builtin that only reads it (`grow(names)`, not
 * `len(names)`). end: where the code looked at ends. */
bool ol_text_changes_name_at(const char *src, uint32_t lo, uint32_t i, size_t n, uint32_t end);
/* Whether a dotted callee (`metrics.send`, `self.logger.info`, `statsd.incr`)
 * reports on the program (logs, metrics, traces) rather than working outside
 * it: what it sends is not work a commit keeps recorded. n: bytes of dotted. */
bool ol_callee_is_telemetry(const char *dotted, size_t n);
static inline const ol_func_site *ol_func_site_of(const ol_file_facts *f, const ol_func_fact *fn,
                                                  ol_effect e) {
  return fn->site[e] >= 0 ? &f->func_sites.items[fn->site[e]] : NULL;
}
static inline const ol_func_rows *ol_func_rows_of(const ol_file_facts *f, const ol_func_fact *fn) {
  return fn->rows >= 0 ? &f->func_rows.items[fn->rows] : NULL;
}
static inline const ol_func_rows *ol_func_one_of(const ol_file_facts *f, const ol_func_fact *fn) {
  return fn->one >= 0 ? &f->func_rows.items[fn->one] : NULL;
}
static inline const ol_call_arg *ol_call_args(const ol_file_facts *f, const ol_call_fact *c) {
  return c->n_args ? &f->call_args.items[c->first_arg] : NULL;
}
static inline ol_guard_set ol_func_guards(const ol_func_fact *fn, ol_effect e) {
  ol_guard_set s;
  for (int k = 0; k < OL_GUARD_ANY; k++)
    s.any[k] = (ol_param_guard){.lit = fn->guard_lit[e * OL_GUARD_ANY + k],
                                .test = fn->guard_test[e * OL_GUARD_ANY + k],
                                .param = fn->guard_param[e * OL_GUARD_ANY + k]};
  return s;
}
static inline void ol_func_set_guards(ol_func_fact *fn, ol_effect e, const ol_guard_set *s) {
  for (int k = 0; k < OL_GUARD_ANY; k++) {
    fn->guard_lit[e * OL_GUARD_ANY + k] = s->any[k].lit;
    fn->guard_test[e * OL_GUARD_ANY + k] = s->any[k].test;
    fn->guard_param[e * OL_GUARD_ANY + k] = s->any[k].param;
  }
}
static inline const ol_call_term *ol_call_term_of(const ol_file_facts *f, const ol_call_fact *c) {
  return c->term >= 0 ? &f->call_terms.items[c->term] : NULL;
}

#endif
