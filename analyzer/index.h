/* The project index: facts joined over every file of the project (models by
 * name, their primary keys). Built once from the whole project, even when
 * only some files are checked. */
#ifndef OL_INDEX_H
#define OL_INDEX_H

#include "facts.h"

/* A declarative base (`db.Model`, `Base`) whose models inherit the methods of
 * cls, named in file (ol_file_facts.base_classes). */
typedef struct {
  const char *base, *cls;
  uint32_t file;
} ol_base_class;

typedef struct {
  const char *name; /* borrowed from the facts */
  const char *path; /* borrowed: the file's relative path */
  uint32_t file;    /* index into files */
  const ol_class_fact *cls;
  bool is_model;       /* mapped: not abstract, not a mixin, not the declarative base */
  bool is_mapped_base; /* contributes to models (a model, an abstract model, a declarative base) */
  const char *const *pk; /* own or inherited primary-key columns */
  size_t n_pk;
} ol_model;

/* A relationship as the index resolved it, on the class that declares it
 * (or, for a backref, on its target). */
typedef struct {
  const char *owner; /* declaring class */
  const char *name;
  const char *target; /* target class, NULL when unknown */
  ol_lazy lazy;
  bool collection;      /* else scalar (many-to-one, one-to-one) */
  bool direction_known; /* said (uselist=, secondary=, Mapped[list[...]]) or read off a foreign
                           key; when not, collection is true and a fix loads it either way */
  bool uselist_false;   /* declared scalar (uselist=False): not read from foreign keys */
  bool from_backref;    /* created by backref= on the other side */
  bool inherited;       /* a mixin's per-model relationship, made for the model inheriting it
                           (path: the mixin's file) */
  /* An association proxy (`domains = association_proxy("certificate_associations", "domain")`):
   * reading it loads relationship proxy_of, whose loading this records (target NULL: the
   * proxy's values are the elements' attr, not rows of a known model). proxy_target is
   * proxy_of's target; proxy_attr the attr when it is a lazy many-to-one of proxy_target (one
   * more load per element), else NULL. */
  const char *proxy_of, *proxy_target, *proxy_attr;
  const char *path; /* where it is declared (the backref's declaration for a backref) */
  uint32_t line, col;
  ol_span span;
  ol_span lazy_value; /* the lazy= value in the declaration, when given */
} ol_relation;

/* A file of the project as the call summaries see it. */
typedef struct {
  const char *path; /* borrowed: relative to the root */
  char *module;     /* dotted module name from the path ("app.services.scores") */
  bool package;     /* an __init__.py: relative imports start at its own module */
  const ol_file_facts *facts;
  uint32_t first_func;  /* its functions' ids: first_func .. first_func + facts->funcs.len */
  int32_t *call_target; /* per call fact: the function it calls, -1 when unresolved */
} ol_index_file;

/* One step of a call path: call number `call` of the function's file, to `callee`. */
typedef struct {
  int32_t call;   /* -1: the function does it itself */
  int32_t callee; /* the function called, -1 when direct; OL_VIA_TERMINAL: the call's
                     result is a query that a terminal on it runs (call's term_at) */
} ol_via;
#define OL_VIA_TERMINAL (-2)

/* `p.attr` read by a function or by something it calls with p. */
typedef struct {
  const char *attr;
  ol_via via;
  uint32_t param;
  int32_t from; /* direct: the read's index in the file's param_reads; via a call: the
                   callee's read it comes from */
  bool called;
  bool rows;          /* read on each element of the parameter (it is iterated), not on it */
  bool counted;       /* counted through a builder chain: `p.attr.filter(...).count()` */
  ol_guard_set guard; /* the tests of the function's parameters its ways to the read run under
                         (as ol_summary.guard): a call that makes every one false does not read */
} ol_sum_read;

typedef struct {
  const char *key; /* a dotted suffix of files[file].module */
  uint32_t file;
  uint32_t under; /* ol_module_key_under */
  int32_t next;   /* the next entry with the same slot, -1 */
} ol_mod_entry;

/* What every call in the project passes a parameter (param_types.c). */
typedef struct {
  uint8_t state;      /* 0 not computed, 1 known, 2 not known */
  bool many;          /* rows of entity (a collection, a query's rows), else one row of it */
  bool from_query;    /* some call passes rows of a query whole: ORM002 reports at that call */
  const char *entity; /* the model */
  ol_rows rows;       /* entity, origin (the parameter's name) and eager: what any caller's query
                         loads of it (owned); no query */
} ol_param_type;

/* What a function does, transitively (DESIGN.md "Calls"). */
typedef struct {
  uint32_t file;
  const ol_func_fact *fn;
  bool has[OL_EFFECTS];
  ol_via via[OL_EFFECTS];
  bool memo[OL_EFFECTS]; /* the effect is reached only through a memoized function's call keyed on
                            the caller's arguments: a call with the same arguments reads a cache */
  bool self_memo[OL_EFFECTS]; /* the effect runs only in a memo on self (`if self.x is None:
                                 self.x = ...`, ol_func_site.self_memo), itself or through calls
                                 on self: once per instance. A call on self from a method of the
                                 same instance does not run it again (ol_index_call_on_self); a
                                 call on any other object (a loop's row) does */
  int32_t rows_func;   /* the function whose `return <query>` gives the rows it returns, -1 */
  bool commit_on_miss; /* it commits (has[OL_EFFECT_COMMIT]) only in get-or-create branches: each
                          way it commits is a call under `if not x:` right after a lookup
                          `x = <query>` (ol_call_fact.miss), or a call of a function that commits
                          only so. Once per new key, not per call (ORM006) */
  bool external;       /* it calls out of the process (HTTP, mail, files, plugins...), itself or
                          through a function it calls: a call of it is a unit of outside work */
  bool returns_query;  /* returns a query not yet run (its caller's terminal runs it) */
  bool returns_count;  /* returns one COUNT's value (`return q.count()`, or what a function
                          that does returns) */
  ol_via rows_via;
  OL_VEC(ol_sum_read) reads;
  ol_guard_set guard[OL_EFFECTS]; /* with has[e]: the tests of its parameters the ways to e
                                     run under, itself or through calls; a call whose arguments
                                     make every one false does not run e (ol_index_call_runs) */
  /* Every query it runs (itself and through calls) is a get by primary key of parameter pk_param
   * on model pk_model ("cls": the class a classmethod is called on): -1 it runs none, -2 some
   * other query. A caller that passes the key of an object the session holds for the iteration
   * (a loop's row) reads the identity map, no SQL. */
  int32_t pk_param;
  const char *pk_model;
  bool expires;            /* it commits (ol_func_fact.expires), itself or through a call */
  uint32_t bounded_params; /* bit p: every call of it in the project passes parameter p a value
                              whose size the code fixes (param_bounds.c) */
  bool wrapped;          /* ol_func_fact.wrapped, unless every decorator is a transparent one of the
                            project (summary.c resolve_decorators): positions and defaults hold */
  ol_param_type *ptypes; /* per parameter below 31 a loop of it needs: the model every call
                            passes there (param_types.c); NULL */
  uint32_t n_ptypes;
} ol_summary;

/* An ol_self_fact of the project: file, its index in the file's self_facts,
 * and the hash of its attribute. */
typedef struct {
  uint64_t hash;
  uint32_t file, fact;
} ol_self_ref;

/* A lookup (ORM007) resolved to the column it keys on. */
typedef struct {
  int32_t model;   /* class id of the model queried */
  int32_t owner;   /* class id of the class declaring the column: the model, a base or a mixin */
  uint32_t column; /* index into classes[owner].cls->columns */
  ol_lookup_kind kind;
  bool named;      /* compared to a value the code names (ol_lookup.named) */
  const char *via; /* RELATION: the relationship ("applications") on model, else NULL */
  uint32_t file;
  ol_span span;
  uint64_t query; /* the same for the lookups of one query: (file << 32) | chain start */
} ol_key_use;

typedef struct {
  OL_VEC(ol_index_file) files;
  OL_VEC(ol_summary) funcs; /* by function id */
  int32_t *fn_slots;        /* open addressing over (file, class, name): function ids */
  size_t n_fn_slots;
  int32_t *fn_next; /* per function: the next with the same key, -1 */
  OL_VEC(ol_mod_entry) mod_entries;
  int32_t *mod_slots; /* open addressing over module-name suffixes: chain heads */
  size_t n_mod_slots;
  int jobs; /* threads that resolve the calls (files at a time); 0 or 1: the caller's */
  OL_VEC(ol_model) classes;
  OL_VEC(ol_relation) relations;
  OL_VEC(const char *) declarative_bases;
  OL_VEC(ol_base_class) base_classes; /* every file's ol_file_facts.base_classes */
  int32_t *slots; /* open addressing over class names: index into classes, -1 empty */
  size_t n_slots;
  int32_t *next_same;          /* per class: the next class with the same name, -1 */
  OL_VEC(ol_key_use) key_uses; /* sorted by owner, column, file, span */
  uint32_t *uses_by_query;     /* indices into key_uses, sorted by query */
  /* Per class, its lineage (itself and its bases, index_lookups.c): ids
   * lineage_ids[lineage_at[c] .. lineage_at[c + 1]); NULL until
   * ol_index_resolve_lookups made them. */
  uint32_t *lineage_at;
  int32_t *lineage_ids;
  /* Open addressing over (owner, name) of relations: the first relation of
   * each pair, -1 empty; NULL while ol_index_link is adding them. */
  int32_t *rel_slots;
  size_t n_rel_slots;
  /* Every file's ol_self_fact, sorted by the hash of its attribute (ol_index_link):
   * `self.<attr>` asks only those of its name. */
  ol_self_ref *self_refs;
  size_t n_self_refs;
  /* The classes that name class c as a base: sub_ids[sub_at[c] .. sub_at[c + 1]) (ol_index_link).
   */
  uint32_t *sub_at;
  int32_t *sub_ids;
  /* The class each base of class c names: base_ids[base_at[c] + b] for its base b, -1 when none
   * (ol_index_class_id of the base's last component, from c's file; ol_index_link). */
  uint32_t *base_at;
  int32_t *base_ids;
} ol_index;

/* The self facts of attribute attr: *n set, NULL when none. Borrowed. */
const ol_self_ref *ol_index_self_facts(const ol_index *ix, const char *attr, size_t *n);

/* The classes that name class c as a base, directly: *n set. Borrowed. */
const int32_t *ol_index_subclasses(const ol_index *ix, int32_t c, size_t *n);

/* "app.models.Chef" -> "Chef". */
const char *ol_last_component(const char *dotted);
/* Adds a file's classes; facts must outlive the index. */
void ol_index_add(ol_index *ix, const char *path, const ol_file_facts *facts);
/* Decides which classes are models (transitively through bases). */
void ol_index_link(ol_index *ix);
/* The model named name (its last dotted component), or NULL. Borrowed. */
const ol_model *ol_index_model(const ol_index *ix, const char *name);
/* The record of cls's imperative mapping (`map_imperatively(Cls, table)`,
 * `mapper(Cls, table)`), which holds the table's columns, when cls is the
 * class statement of such a class (its `x: Mapped[T]` lines are typing
 * only); -1 otherwise. */
int32_t ol_index_imperative_twin(const ol_index *ix, int32_t cls);
/* The relationship attr of model (declared on it, a base or mixin, or by a
 * backref), or NULL. Borrowed. */
const ol_relation *ol_index_relation(const ol_index *ix, const char *model, const char *attr);
/* The relationship whose rows `row.attr` holds for a row of model: attr itself, or the one a
 * property of the model stands for when it returns that relationship's rows copied, reordered or
 * filtered (ol_func_fact.ret_coll; `sections` returning `[x for x in self.items if x.is_section]`
 * is `items`); NULL otherwise, or when a subclass of the model answers otherwise. Borrowed. */
const ol_relation *ol_index_collection(const ol_index *ix, const char *model, const char *attr);
/* Whether the project declares a relationship named attr (or a backref of
 * that name) and every one so named is dynamic: `obj.attr.count()` counts,
 * whatever model obj is. */
bool ol_index_rel_name_dynamic(const ol_index *ix, const char *attr, size_t n);
/* The __bind_key__ of model (or a base), NULL for the default database. */
const char *ol_index_bind_key(const ol_index *ix, const char *model);
/* The column of child (or a base) holding a foreign key to parent's table, or NULL. */
const char *ol_index_fk_column(const ol_index *ix, const char *child, const char *parent);
/* The column attr of model (declared on it or a base), or NULL. Borrowed. */
const ol_column_fact *ol_index_column(const ol_index *ix, const char *model, const char *attr);
/* What values column attr of model holds: its declared kind, or, for a bare
 * ForeignKey, the kind of the primary key it references. */
ol_column_kind ol_index_column_kind(const ol_index *ix, const char *model, const char *attr);
/* Whether model (or a base) has a column, property, hybrid or method named attr. */
bool ol_index_has_member(const ol_index *ix, const char *model, const char *attr);
void ol_index_free(ol_index *ix);

/* ---- lookup keys (analyzer/index_lookups.c) ---- */

/* The table a class declares (__tablename__), else Flask-SQLAlchemy's
 * snake_case default of its name. Caller frees. */
char *ol_index_snake_table(const ol_model *m);

/* Resolves every file's lookups, relationship reads in loops and len()s of
 * relationships to columns (after ol_index_summarize). */
void ol_index_resolve_lookups(ol_index *ix);
/* The uses of column `column` of class `owner`, contiguous; *n set. Borrowed. */
const ol_key_use *ol_index_key_uses(const ol_index *ix, int32_t owner, uint32_t column, size_t *n);
/* Whether an index covers column of model (class id): a single-column or
 * leading primary key, index=True/unique=True, or the leading column of an
 * Index/UniqueConstraint/PrimaryKeyConstraint in __table_args__ (of it or a
 * base) or declared at module level. */
bool ol_index_column_covered(const ol_index *ix, int32_t model, const char *column);
/* Whether use's query also looks its model up by an equality on a covered
 * column (or, for a sort key, sorts by another column first, filters its
 * model by equality on a foreign key, or filters a model it joins by
 * equality on an indexed foreign or primary key): that index finds the
 * rows, use only narrows or orders them. */
bool ol_index_query_keyed(const ol_index *ix, const ol_key_use *use);
/* The uses of one query (ol_key_use.query), as indices into ix->key_uses; *n
 * set. Borrowed. */
const uint32_t *ol_index_query_uses(const ol_index *ix, uint64_t query, size_t *n);
/* The table of a model (class id): __tablename__, the table of the model it
 * extends by single-table inheritance, or Flask-SQLAlchemy's snake_case
 * default. Caller frees. */
char *ol_index_table(const ol_index *ix, int32_t model);

/* ---- call summaries (analyzer/summary.c) ---- */

/* Resolves every call and computes the summaries to a fixpoint (after ol_index_link). */
void ol_index_summarize(ol_index *ix);

/* Resolving every call of every file is most of an index build. The
 * resolve cache keeps each file's resolved calls (as file and function in
 * it) from one summarize to the next: the editor's from edit to edit, a
 * scan's in .ormlint_cache/calls from run to run. A file's calls are
 * reused while
 *   - its facts are the same (gen[f] unchanged: the editor's generation of
 *     them, a scan's key of their content),
 *   - the interface (interface_of: module, functions, classes, imports) of
 *     every file its resolution read (deps: the file itself, the modules
 *     its names led to, the classes whose methods were looked up) is the
 *     same,
 *   - and so are the project's files (their paths, in order: the module
 *     names) and its class directory (every class's name and file: which
 *     class a name means).
 * Anything else resolves the file again; a change of the project's files or
 * of its classes resolves every file again. A field of a fact that the
 * resolution of a call reads in another file than the call's (ol_func_fact,
 * ol_class_fact, ol_import_fact: summary.c's lookup, module_lookup,
 * find_function, method_in) must be hashed in interface_of (summary.c); a
 * field of ol_resolved_calls or ol_resolve_cache is written and read in
 * cache.c (ol_calls_serialize, ol_calls_deserialize; its assertions and
 * test_cache's round trip fail until it is) and checked in cache_check.c
 * (ol_resolved_calls_valid). */
typedef struct {
  uint64_t gen;         /* of the facts resolved; UINT64_MAX: none */
  uint64_t iface;       /* the file's interface when they were resolved */
  uint32_t n, n_deps;   /* calls; dependencies */
  int32_t *file, *func; /* per call: its target's file and function there, -1 */
  uint32_t *deps;       /* the other files whose interface the resolution read, ascending */
} ol_resolved_calls;
typedef struct {
  uint64_t files_key;   /* the project's paths, in order */
  uint64_t classes_key; /* its classes' names and files */
  OL_VEC(ol_resolved_calls) files;
  size_t resolved; /* files resolved (not reused) by the last summarize; not cached */
} ol_resolve_cache;
/* ol_index_summarize, with the cache; gen[f]: the generation of file f's facts. */
void ol_index_summarize_cached(ol_index *ix, ol_resolve_cache *cache, const uint64_t *gen);
/* Whether an entry read back from .ormlint_cache/calls may be used for file
 * f of ix (analyzer/cache_check.c): as many calls as f's facts, every
 * target a function of a file of ix, every dependency a file of ix. */
bool ol_resolved_calls_valid(const ol_resolved_calls *rc, const ol_index *ix, uint32_t f);
void ol_resolve_cache_free(ol_resolve_cache *cache);
/* The class named name, any class (model or not), preferring one in file; -1. */
int32_t ol_index_class_id(const ol_index *ix, const char *name, int32_t file);
/* The method (or property) attr of class cls, searched through its bases; -1. */
int32_t ol_index_method(const ol_index *ix, const char *cls, int32_t file, const char *attr);
/* The model of the one row the project call at span in file returns
 * (`Event.get(id)`: ol_func_fact.one, through calls it returns), NULL when
 * it is not known to be one row. */
const char *ol_index_returned_one(const ol_index *ix, uint32_t file, ol_span call);
/* What loop l of file iterates when it is `self.x` or a collection of the
 * one row `self.x` holds (l->self_attr): the model of those rows (of that
 * row), with *rows the assigning query and *rows_file its file, when the
 * class of the loop, its bases and its subclasses assign self.x once, rows
 * (l->self_one: one row) of a model. NULL otherwise. */
/* The rows `self.<attr>` holds in function func of file (a method of its class), as
 * ol_index_self_rows says of a loop over it; NULL when not known. */
const char *ol_index_self_attr_rows(const ol_index *ix, uint32_t file, int32_t func,
                                    const char *attr, const ol_rows **rows, uint32_t *rows_file);
/* What call number `call` of file (resolved to function t) runs: t, or when
 * t is a stub method (ol_func_fact.stub) called on self, the one override
 * the project subclasses of the caller's class find (ORM002's rows and
 * reads through `self.get_all()` of an abstract base). */
int32_t ol_index_dispatch(const ol_index *ix, uint32_t file, size_t call, int32_t t);
/* Whether `.options(*self.<attr>)` in a method run on an instance of class
 * cls (an index into classes) loads nothing: cls (or a base) binds attr to
 * an empty tuple or list (or None), and no subclass binds it again. */
bool ol_index_class_options_empty(const ol_index *ix, int32_t cls, const char *attr);
/* Whether the loop's iterable is a class attribute the code fixes (ol_loop.fixed_cls) no code
 * of the project changes. */
bool ol_index_loop_fixed_attr(const ol_index *ix, uint32_t file, const ol_loop *l);
const char *ol_index_self_rows(const ol_index *ix, uint32_t file, const ol_loop *l,
                               const ol_rows **rows, uint32_t *rows_file);
/* The model whose rows loop `loop` of file holds, and the rows' query when
 * the project knows it: in the same file (rows_file == file), or in the
 * function that returned them. NULL when unknown. */
/* The model of the rows a call argument holds through a project call (ol_call_arg.rows_call),
 * as ol_index_loop_entity resolves a loop's; *rows where they are loaded (&arg->rows: the chain
 * at the call, built on the query function *rows_func returns). NULL: not known. */
const char *ol_index_arg_rows(const ol_index *ix, uint32_t file, const ol_call_arg *arg,
                              const ol_rows **rows, uint32_t *rows_file, int32_t *rows_func);
const char *ol_index_loop_entity(const ol_index *ix, uint32_t file, int loop, const ol_rows **rows,
                                 uint32_t *rows_file, int32_t *rows_func);
/* A template's context name as a view binds it (analyzer/templates.c). */
typedef struct {
  uint32_t file;                /* the view's file */
  const ol_render_fact *render; /* its render_template call */
  const ol_render_arg *arg;     /* the keyword binding the name to rows */
} ol_template_binding;
/* The first view (in file order) that renders template `file` with rows
 * of a model for context name `name`; false when none does. */
bool ol_index_template_binding(const ol_index *ix, uint32_t file, const char *name,
                               ol_template_binding *out);
/* The template file `name` loads when rendered, included or imported from
 * file `from`; -1 when the project has none. */
int32_t ol_index_template_file(const ol_index *ix, const char *name, uint32_t from);
/* The macro a template's call names through its imports (`b` of `from
 * "m.html" import a as b`, `m.render` of `import "m.html" as m`): its
 * template and name (borrowed); false when not found. */
bool ol_index_template_macro(const ol_index *ix, uint32_t file, const char *callee,
                             uint32_t *macro_file, const char **macro);
/* The loop of a template whose iterable is a context name, reached from
 * loop through the loops it is nested in by its rows; -1 when none. */
int ol_index_template_root(const ol_index *ix, uint32_t file, int loop);
/* Whether model is a named reference table (roles, categories, statuses):
 * at most three columns, one of them a unique or indexed name, no foreign
 * key. Its rows are few, and the identity map serves a many-to-one to it
 * after the first load of each: reading one per row costs no more queries
 * as the rows grow. */
bool ol_index_is_reference_table(const ol_index *ix, const char *model);
/* The dotted suffixes of the project's module names are the names an import
 * may give a file (src/app/x.py is app.x). A suffix whose directory above
 * it holds __init__.py (sympy/core/random.py's `random`: sympy/core is a
 * package) is a name of the file only for a module of that directory (a
 * script run there has it as sys.path[0], and Python 2's implicit
 * relative imports read it so); an import of `random` anywhere else is
 * the standard library's. ol_module_key_under: for the key starting at
 * byte k of module m, 0 when any file may import by it, else the length of
 * the package's name (k - 1); packages: the modules of the project's
 * __init__.py files, sorted by strcmp (ol_module_packages). */
char **ol_module_packages(char *const *modules, const bool *package, size_t n, size_t *n_out);
uint32_t ol_module_key_under(char *const *packages, size_t n_packages, const char *m, size_t k);
/* Whether file `from` (module from_module, an __init__.py when from_package) imports by a key of
 * module m whose under is `under`. */
bool ol_module_key_visible(const char *m, uint32_t under, const char *from_module,
                           bool from_package);

/* The project file the module of import im of file names (`from ..a import b`: a), -1 when it
 * is not one of the project's (a library) or im binds a name only (`g = f`). */
int32_t ol_index_import_file(const ol_index *ix, uint32_t file, const ol_import_fact *im);
/* A readable name of a function: "app.helpers.chef_of" (the module's last two components),
 * "Booking.to_dict", "find" (nested). Caller frees. */
char *ol_index_func_name(const ol_index *ix, int32_t func);

/* One step of a call path, for SARIF codeFlows. */
typedef struct {
  uint32_t file;      /* index into files */
  const ol_place *at; /* borrowed */
  char *message;      /* owned */
} ol_hop;
#define OL_MAX_HOPS 10
/* The path from func to where it does e: each call on the way, then the
 * site itself. Returns the number of hops written (at most OL_MAX_HOPS). */
size_t ol_index_effect_path(const ol_index *ix, int32_t func, ol_effect e, ol_hop *out);
/* The same, writing at most max hops. */
size_t ol_index_effect_path_n(const ol_index *ix, int32_t func, ol_effect e, ol_hop *out,
                              size_t max);
/* The file and place of the site where func (transitively) does e. */
const ol_place *ol_index_effect_site(const ol_index *ix, int32_t func, ol_effect e, uint32_t *file,
                                     const char **text);
/* The function a call of a file's facts resolves to, -1. */
int32_t ol_index_call_target(const ol_index *ix, uint32_t file, size_t call);
/* Whether call of file runs effect e through its target: the target's summary has e, and
 * the call's arguments (literals, defaults) do not make the test e runs under false. */
bool ol_index_call_runs(const ol_index *ix, uint32_t file, size_t call, ol_effect e);
/* Whether the call at span in file runs a query: a query site that starts
 * there (`Model.query.filter_by(...).first()`), or a call of a project
 * function that queries, itself or through calls. False for an empty span. */
bool ol_index_lookup_queries(const ol_index *ix, uint32_t file, ol_span span);
/* Whether a call's positional arguments start at the callee's second
 * parameter (a method called on an instance, a classmethod). */
bool ol_index_call_bound(const ol_index *ix, uint32_t file, size_t call);
/* Whether the call's receiver is its caller's own `self` (`self.m()` in a method): the same
 * instance, whose memos on self (ol_summary.self_memo) are already loaded. */
bool ol_index_call_on_self(const ol_index *ix, uint32_t file, size_t call);
/* Whether code of file (of the whole project when on_self: `self.<attr>`, which any method the
 * code calls may set) writes an attribute named attr[0..n), whatever the object (facts.h
 * attr_writes: `x.attr = v`, `x.attr += v`, `x.attr[k] = v`, a container method growing it,
 * setattr). */
bool ol_index_attr_written(const ol_index *ix, uint32_t file, bool on_self, const char *attr,
                           size_t n);
/* Whether every query callee runs is a get by primary key of an object the session holds for the
 * call's iteration (a loop's row, passed as `row.<pk>`), or one key for the
 * whole nest (a name no loop of it binds, or `name.<attr>` on one when nothing writes such an
 * attribute: ol_index_attr_written): the loop whose row it is, -1. */
int ol_index_call_gets_held(const ol_index *ix, uint32_t file, size_t call, int32_t callee);
/* The value token (facts.h ol_call_fact.args) call of file passes to parameter p of its
 * target t, the default when it passes none; its length in *n; NULL when not known. */
const char *ol_index_arg_value(const ol_index *ix, uint32_t file, size_t call, int32_t t,
                               uint32_t p, size_t *n);
/* a(ix) and b(ix), on two threads when ix->jobs allows: for two steps of
 * which neither writes what the other reads. */
void ol_index_both(ol_index *ix, void (*a)(ol_index *), void (*b)(ol_index *));
/* Sets ol_summary.bounded_params of every function (after the calls are resolved). */
void ol_index_bound_params(ol_index *ix);
/* Whether loop of file iterates a parameter (ol_loop.rows_param) of its function that every
 * call in the project passes a value whose size the code fixes: a literal display, CLI values
 * (DESIGN.md "Real code": bounded loops). */
bool ol_index_loop_param_bounded(const ol_index *ix, uint32_t file, int loop);
/* The function whose body is loop l's scope, -1. */
int32_t ol_index_loop_func(const ol_file_facts *f, const ol_loop *l);
/* What every call of func passes its parameter p, NULL when not known (param_types.c). */
const ol_param_type *ol_index_param_type(const ol_index *ix, int32_t func, uint32_t p);
/* Sets ol_summary.ptypes (after the calls are resolved). */
void ol_index_type_params(ol_index *ix);
/* What every caller passes the parameter loop iterates (`for x in p`: rows of a model) or
 * reads a collection of (`for x in p.coll`: one row of a model); NULL when not known. */
const ol_param_type *ol_index_loop_param_type(const ol_index *ix, uint32_t file, int loop);
/* The callee parameter argument `arg` of a call binds, -1. */
int ol_index_call_param(const ol_index *ix, uint32_t file, size_t call, uint32_t arg);

/* A lazy relationship of a model that func reads on its parameter param
 * when called with a row of entity (rows false) or with rows of entity it
 * iterates (rows true): through the parameter itself, through further
 * calls, and through the model's methods and properties. */
typedef void (*ol_lazy_visit)(void *ud, const ol_relation *rel, const ol_hop *path, size_t n);
/* A generic read of every relationship of the row (OL_READ_EVERY: `getattr` over the mapper's
 * attributes), or of every scalar one (scalars, OL_READ_SCALARS), of a row of entity; path as
 * for ol_lazy_visit. */
typedef void (*ol_every_visit)(void *ud, const char *entity, bool scalars, const ol_hop *path,
                               size_t n);
/* call: the call of file (-1 none known) that calls func there; a read under tests of func's
 * parameters its arguments or func's defaults make false is not visited (ol_sum_read.guard). */
void ol_index_lazy_reads(const ol_index *ix, uint32_t file, int32_t call, int32_t func,
                         uint32_t param, bool rows, const char *entity, ol_lazy_visit visit,
                         ol_every_visit every, void *ud);
/* Calls each relationship entity has (its own, its bases' and mixins', backrefs onto it; not
 * association proxies) once. */
void ol_index_each_relation(const ol_index *ix, const char *entity,
                            void (*each)(void *ud, const ol_relation *rel), void *ud);
/* The same walk for the dynamic relationships of entity that func counts on
 * its parameter param (`p.rel.filter(...).count()`): a COUNT each (ORM003);
 * also, visited as a relationship with no target, its deferred COUNT column
 * properties read (`p.n_count`; lazy DYNAMIC) and its methods or properties
 * called that run a count themselves (`p.to_json()`; lazy SELECT, the path
 * going on to the count). */
void ol_index_counted_reads(const ol_index *ix, uint32_t file, int32_t call, int32_t func,
                            uint32_t param, const char *entity, ol_lazy_visit visit, void *ud);
/* The call of f whose function is the attribute at span (`row.m(...)` of read `row.m`), -1. */
int32_t ol_index_call_of_attr(const ol_file_facts *f, ol_span span);
void ol_hops_free(ol_hop *h, size_t n);

#endif
