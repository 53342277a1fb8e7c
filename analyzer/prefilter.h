/* The literal prefilter (DESIGN.md "Pipeline", prefilter): which files are
 * worth a parse. A file is parsed when its bytes hold an ORM token (what
 * pass 1 needs to record anything: sqlalchemy, `.query`, a session, select,
 * db., noqa, the configured model bases and query terminals ...), or, round
 * after round, a name the linked index knows to matter (models, their
 * bases, relationships, functions that query, count, commit, return rows or
 * a query, read a relationship of a parameter — and the classes holding
 * them). Files matching neither are never parsed: their facts could change
 * no decision of any rule. Matching is on whole identifiers (strings and
 * comments included: a false hit only costs a parse). */
#ifndef OL_PREFILTER_H
#define OL_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "config.h"
#include "index.h"

/* A set of identifier hashes (64-bit FNV-1a of the identifier's bytes). */
typedef struct {
  uint64_t *slots; /* 0 = empty */
  size_t n_slots, len;
  uint64_t *log; /* every hash added, in order: log[k..len) are those added since len was k */
  size_t log_cap;
} ol_name_set;

uint64_t ol_ident_hash(const char *s, size_t n);
/* Adds a hash; returns whether it was new. */
bool ol_name_set_add(ol_name_set *s, uint64_t h);
bool ol_name_set_has(const ol_name_set *s, uint64_t h);
/* Whether every name of a is in b. */
bool ol_name_set_subset(const ol_name_set *a, const ol_name_set *b);
void ol_name_set_free(ol_name_set *s);

/* Whether the prefilter can be used with this config: a custom
 * session-names pattern names receivers no literal list can foresee. */
bool ol_prefilter_applies(const ol_config *cfg);
/* The ORM tokens of cfg (fixed words plus its model bases and query
 * terminals) as identifier hashes; caller frees with ol_name_set_free. */
void ol_prefilter_tokens(const ol_config *cfg, ol_name_set *out);
/* Whether bytes hold an ORM token: a word of tokens, or one of the
 * fragments every spelling of an ORM import or session contains. */
bool ol_prefilter_has_token(const ol_name_set *tokens, const char *bytes, size_t len);
/* Whether a `# noqa` comment of bytes names an ORM code (any case). */
bool ol_prefilter_has_orm_noqa(const char *bytes, size_t len);
/* Whether bytes hold, as a whole identifier, a name of names. */
bool ol_prefilter_has_name(const ol_name_set *names, const char *bytes, size_t len);
/* Whether a class statement of bytes (`class X(...):` at the start of a
 * line) names one of names between its parentheses: a base, a metaclass. */
bool ol_prefilter_has_class_base(const ol_name_set *names, const char *bytes, size_t len);

/* What the name scans of a file need of it, kept from one scan of its bytes
 * for the prefilter's later rounds (names only grow): a Bloom filter of its
 * identifiers (as ol_prefilter_has_name reads them; a miss is exact, a hit
 * is checked against the bytes) and the identifiers between its class
 * statements' parentheses (as ol_prefilter_has_class_base reads them). */
typedef struct {
  uint64_t *bits;
  uint32_t mask; /* bit count - 1, a power of two */
  uint64_t *bases;
  size_t n_bases;
} ol_name_digest;
/* Fills d from bytes; returns whether bytes hold a name of a or of b (either
 * may be empty): what ol_prefilter_has_name would say of each, in *in_a and
 * *in_b. */
void ol_prefilter_digest(const char *bytes, size_t len, ol_name_digest *d, const ol_name_set *a,
                         bool *in_a, const ol_name_set *b, bool *in_b);
/* Whether the file of d may hold identifier h (false: it does not). */
bool ol_name_digest_may_have(const ol_name_digest *d, uint64_t h);
/* Whether a class statement of d's file names one of names (exact). */
bool ol_name_digest_has_class_base(const ol_name_digest *d, const ol_name_set *names);
void ol_name_digest_free(ol_name_digest *d);
/* Whether bytes hold a word only a file connected to the ORM code through
 * the project's imports needs parsed for (`query`, `select`: urllib's
 * `.query`, the select module and SQL builders are everywhere). */
bool ol_prefilter_has_weak_token(const char *bytes, size_t len);
/* Adds to out the names of ix (linked and summarised) that matter to a
 * rule (see the header), to a fixpoint; to classes (when not NULL) those of
 * them a class statement links by name alone, whatever the imports: models,
 * mapped and declarative bases, classes whose methods matter; to called
 * (when not NULL) those any file's call or read links by name alone: the
 * functions a parameter of which takes what every call in the project
 * passes (param_types.c counts a call `x.m(...)` on an object of unknown
 * class, in any file); to probes (and out) the names of what a loop that
 * commits, or a function that commits or is so named, calls that the index
 * cannot resolve (outside work there exempts the commits). seeds (when
 * not NULL; one per file of ix): whether the file holds ORM code itself
 * (a query, a commit, rows, a mapped class) or defines or binds a name
 * that matters. Only an import of such a file connects another to the ORM
 * code: a file that names no model and runs no query (a `session` in a
 * comment, a `select` of its own) makes the files it imports no likelier
 * to matter. */
void ol_prefilter_names(const ol_index *ix, const ol_config *cfg, ol_name_set *out,
                        ol_name_set *classes, ol_name_set *called, ol_name_set *probes,
                        bool *seeds);

/* Whether a file's own facts hold ORM code: a query, a commit, a count, a
 * lookup, a mapped class, a declarative base (a seed of
 * ol_prefilter_names, known before any index). */
bool ol_prefilter_facts_hold_orm(const ol_file_facts *f);

/* ---- the import graph (prefilter_graph.c) -------------------------------
 * A file the project's imports do not connect to a source (pass1.c: a file
 * that holds ORM code or what a name that matters is of; it imports none,
 * none imports it) is parsed only for an ORM token, a class statement
 * deriving from a class name of the index (bases link by name) or a name of
 * ol_prefilter_names' called: other function,
 * relationship and member names reach a rule only through an import (a
 * call, a parameter's reads) or within a file. A module name is a dotted
 * suffix of a file's path only where no package is above it
 * (ol_module_key_under). */

/* A module an import line names: `from ..a import b` gives "a" and "a.b"
 * at level 2, `import a.b` gives "a" and "a.b". */
typedef struct {
  char *name;
  uint32_t level; /* leading dots */
} ol_import_ref;
typedef OL_VEC(ol_import_ref) ol_import_refs;

/* The modules the import statements of bytes name, found by a byte scan
 * (an import inside a string counts too: a false edge only costs a parse). */
void ol_prefilter_imports(const char *bytes, size_t len, ol_import_refs *out);
void ol_import_refs_free(ol_import_refs *r);

typedef struct {
  const char *key; /* a dotted suffix of modules[file] */
  uint32_t file;
  uint32_t under; /* ol_module_key_under */
  int32_t next;
} ol_modgraph_entry;

/* The project's files by module name (as the index names them). */
typedef struct {
  size_t n;
  char **modules;
  bool *package;
  int32_t *slots;
  size_t n_slots;
  OL_VEC(ol_modgraph_entry) entries;
} ol_modgraph;

void ol_modgraph_build(ol_modgraph *g, const char *const *rels, size_t n);
void ol_modgraph_free(ol_modgraph *g);
/* Marks in marks[] the files reference r of file `from` names; returns how
 * many were not marked before. */
size_t ol_modgraph_mark(const ol_modgraph *g, uint32_t from, const ol_import_ref *r, bool *marks);
/* Whether a reference of file `from` names a file of set[]. */
bool ol_modgraph_reaches(const ol_modgraph *g, uint32_t from, const ol_import_refs *refs,
                         const bool *set);

#endif
