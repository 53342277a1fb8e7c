/* The literal prefilter: ORM tokens, the names the index knows to matter,
 * and the identifier scan over a file's bytes (see prefilter.h). */
#include "prefilter.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "source.h"

/* Words pass 1 keys on (analyzer/exec.c, models.c, rows.c): the
 * Flask-SQLAlchemy object (the default db pattern), a model base, a mapped
 * attribute, a db helper. `query` and `select` are weak tokens (below). */
static const char *const WORDS[] = {
    "db",           "Model",         "backref",      "mapped_column",   "Column",
    "ForeignKey",   "generate_base", "registry",     "hybrid_property", "declared_attr",
    "paginate",     "get_or_404",    "first_or_404", "one_or_404",      "__tablename__",
    "__bind_key__", "__abstract__",  "joinedload",   "selectinload",    NULL};

/* Fragments of identifiers: every spelling of the imports (flask_sqlalchemy,
 * sqlalchemy.orm), of a session receiver the default session-names pattern
 * matches (session, db_session, AsyncSession, sessionmaker), the
 * declarative bases, relationship(), typed Mapped[...] attributes. */
static const char *const FRAGMENTS[] = {"sqlalchemy",  "sqlmodel", "SQLModel",
                                        "session",     "Session",  "eclarative",
                                        "elationship", "Mapped",   NULL};

/* A `# noqa` naming an ormlint code: ORM100 judges those (a bare noqa or
 * another tool's codes silence nothing ormlint could report in a file
 * that holds no other token). */
bool ol_prefilter_has_orm_noqa(const char *bytes, size_t len) {
  for (const char *p = bytes, *end = bytes + len; (p = memchr(p, '#', (size_t)(end - p))); p++) {
    const char *stop = p + ol_line_length(p, (size_t)(end - p)), *q = p + 1;
    while (q + 4 <= stop && strncasecmp(q, "noqa", 4) != 0)
      q++;
    for (q += 4; q + 3 <= stop; q++)
      if (!strncasecmp(q, "orm", 3))
        return true;
    p = stop - 1; /* the rest of the line is read: on to the next */
  }
  return false;
}

uint64_t ol_ident_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ? h : 1;
}

static bool insert(ol_name_set *s, uint64_t h) {
  for (size_t i = h & (s->n_slots - 1);; i = (i + 1) & (s->n_slots - 1)) {
    if (s->slots[i] == h)
      return false;
    if (!s->slots[i]) {
      s->slots[i] = h;
      return true;
    }
  }
}

static void grow(ol_name_set *s) {
  size_t n = s->n_slots ? s->n_slots * 2 : 64;
  uint64_t *old = s->slots;
  size_t old_n = s->n_slots;
  s->slots = ol_calloc(n, sizeof(uint64_t));
  s->n_slots = n;
  for (size_t i = 0; i < old_n; i++)
    if (old[i])
      insert(s, old[i]);
  ol_free(old);
}

bool ol_name_set_add(ol_name_set *s, uint64_t h) {
  if ((s->len + 1) * 2 > s->n_slots)
    grow(s);
  if (!insert(s, h))
    return false;
  if (s->len == s->log_cap) {
    s->log_cap = s->log_cap ? s->log_cap * 2 : 64;
    s->log = ol_realloc(s->log, s->log_cap * sizeof *s->log);
  }
  s->log[s->len++] = h;
  return true;
}

bool ol_name_set_has(const ol_name_set *s, uint64_t h) {
  if (!s->n_slots)
    return false;
  for (size_t i = h & (s->n_slots - 1);; i = (i + 1) & (s->n_slots - 1)) {
    if (s->slots[i] == h)
      return true;
    if (!s->slots[i])
      return false;
  }
}

bool ol_name_set_subset(const ol_name_set *a, const ol_name_set *b) {
  for (size_t i = 0; i < a->n_slots; i++)
    if (a->slots[i] && !ol_name_set_has(b, a->slots[i]))
      return false;
  return true;
}

void ol_name_set_free(ol_name_set *s) {
  ol_free(s->slots);
  ol_free(s->log);
  memset(s, 0, sizeof *s);
}

static bool add_name(ol_name_set *s, const char *name) {
  return name && *name && ol_name_set_add(s, ol_ident_hash(name, strlen(name)));
}

static bool add_last(ol_name_set *s, const char *dotted) {
  return dotted && add_name(s, ol_last_component(dotted));
}

bool ol_prefilter_applies(const ol_config *cfg) {
  return !cfg->session_names || !strcmp(cfg->session_names, OL_DEFAULT_SESSION_NAMES);
}

void ol_prefilter_tokens(const ol_config *cfg, ol_name_set *out) {
  for (size_t i = 0; WORDS[i]; i++)
    add_name(out, WORDS[i]);
  for (size_t i = 0; i < cfg->n_model_bases; i++)
    add_last(out, cfg->model_bases[i]);
  for (size_t i = 0; i < cfg->n_query_terminals; i++)
    add_name(out, cfg->query_terminals[i]);
}

static bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

/* The identifiers of bytes as ol_prefilter_has_name reads them: each one's
 * hash to f(h, arg), until f returns true (then true). */
static inline bool each_ident(const char *bytes, size_t len, bool (*f)(uint64_t, void *), void *arg) {
  const unsigned char *s = (const unsigned char *)bytes;
  for (size_t i = 0; i < len;) {
    if (!is_ident_start(s[i])) {
      i++;
      continue;
    }
    if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') { /* the tail of a number: 1e5, 0x1f */
      while (i < len && is_ident(s[i]))
        i++;
      continue;
    }
    uint64_t h = 1469598103934665603ull;
    while (i < len && is_ident(s[i]))
      h = (h ^ s[i++]) * 1099511628211ull;
    if (f(h ? h : 1, arg))
      return true;
  }
  return false;
}

static bool in_set(uint64_t h, void *names) { return ol_name_set_has(names, h); }

bool ol_prefilter_has_name(const ol_name_set *names, const char *bytes, size_t len) {
  return names->len && each_ident(bytes, len, in_set, (void *)names);
}

/* The next class statement of bytes[*at..len) (`class X(...)` at the start
 * of a line, after its indentation): the bytes between its parentheses, in
 * [*from, *to); *at moves past them. False when there is none. */
static bool next_class_bases(const char *bytes, size_t len, size_t *at, size_t *from, size_t *to) {
  const unsigned char *s = (const unsigned char *)bytes;
  for (size_t i = *at; i + 6 < len; i++) {
    if (memcmp(bytes + i, "class", 5) ||
        (i > 0 && s[i - 1] != '\n' && s[i - 1] != ' ' && s[i - 1] != '\t'))
      continue;
    size_t b = i;
    while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
      b--;
    if ((b > 0 && s[b - 1] != '\n') || (s[i + 5] != ' ' && s[i + 5] != '\t'))
      continue;
    size_t p = i + 5;
    while (p < len && (s[p] == ' ' || s[p] == '\t'))
      p++;
    while (p < len && is_ident(s[p]))
      p++;
    while (p < len && (s[p] == ' ' || s[p] == '\t'))
      p++;
    if (p >= len || s[p] != '(')
      continue;
    size_t end = ++p;
    for (int depth = 1; end < len && depth > 0; end++)
      depth += s[end] == '(' ? 1 : s[end] == ')' ? -1 : 0;
    *from = p, *to = end, *at = end;
    return true;
  }
  return false;
}

bool ol_prefilter_has_class_base(const ol_name_set *names, const char *bytes, size_t len) {
  if (!names->len)
    return false;
  for (size_t at = 0, from, to; next_class_bases(bytes, len, &at, &from, &to);)
    if (ol_prefilter_has_name(names, bytes + from, to - from))
      return true;
  return false;
}

/* Two probes of a Bloom filter from one 64-bit hash: its high and middle bits
 * (the name sets index by the low ones). */
static uint32_t probe1(uint64_t h, uint32_t mask) { return (uint32_t)(h >> 40) & mask; }
static uint32_t probe2(uint64_t h, uint32_t mask) { return (uint32_t)(h >> 20) & mask; }

typedef struct {
  ol_name_digest *d;
  const ol_name_set *a, *b;
  bool in_a, in_b;
} digest_scan;

static bool add_ident(uint64_t h, void *arg) {
  digest_scan *x = arg;
  uint32_t p = probe1(h, x->d->mask), q = probe2(h, x->d->mask);
  x->d->bits[p >> 6] |= 1ull << (p & 63);
  x->d->bits[q >> 6] |= 1ull << (q & 63);
  x->in_a = x->in_a || ol_name_set_has(x->a, h);
  x->in_b = x->in_b || ol_name_set_has(x->b, h);
  return false;
}

static bool add_base(uint64_t h, void *arg) {
  ol_name_digest *d = arg;
  if (!(d->n_bases & (d->n_bases + 1)) || !d->bases) /* at 0, 1, 3, 7, ...: double */
    d->bases = ol_realloc(d->bases, (d->n_bases + 1) * 2 * sizeof *d->bases);
  d->bases[d->n_bases++] = h;
  return false;
}

void ol_prefilter_digest(const char *bytes, size_t len, ol_name_digest *d, const ol_name_set *a,
                         bool *in_a, const ol_name_set *b, bool *in_b) {
  ol_name_digest_free(d);
  /* about a bit per two bytes: a file of n bytes holds far fewer than n / 8
   * distinct identifiers, so two probes rarely hit by chance */
  uint32_t bits = 512;
  while (bits < len / 2 && bits < (1u << 24))
    bits *= 2;
  d->mask = bits - 1;
  d->bits = ol_calloc(bits / 64, sizeof *d->bits);
  digest_scan x = {.d = d, .a = a, .b = b};
  each_ident(bytes, len, add_ident, &x);
  for (size_t at = 0, from, to; next_class_bases(bytes, len, &at, &from, &to);)
    each_ident(bytes + from, to - from, add_base, d);
  *in_a = x.in_a, *in_b = x.in_b;
}

bool ol_name_digest_may_have(const ol_name_digest *d, uint64_t h) {
  uint32_t p = probe1(h, d->mask), q = probe2(h, d->mask);
  return (d->bits[p >> 6] >> (p & 63) & 1) && (d->bits[q >> 6] >> (q & 63) & 1);
}

bool ol_name_digest_has_class_base(const ol_name_digest *d, const ol_name_set *names) {
  for (size_t i = 0; i < d->n_bases; i++)
    if (ol_name_set_has(names, d->bases[i]))
      return true;
  return false;
}

void ol_name_digest_free(ol_name_digest *d) {
  ol_free(d->bits);
  ol_free(d->bases);
  memset(d, 0, sizeof *d);
}

/* `Capword.query` or `cls.query`: Flask-SQLAlchemy's query property, a
 * query whatever the class (exec.c), so a token wherever the class is from. */
static bool has_query_property(const char *bytes, size_t len) {
  const unsigned char *s = (const unsigned char *)bytes;
  for (const char *p = bytes, *end = bytes + len; (p = memmem(p, (size_t)(end - p), ".query", 6));
       p += 6) {
    size_t at = (size_t)(p - bytes);
    if (at + 6 < len && is_ident(s[at + 6]))
      continue;
    size_t b = at;
    while (b > 0 && is_ident(s[b - 1]))
      b--;
    if (b == at || (b > 0 && s[b - 1] == '.'))
      continue;
    if ((s[b] >= 'A' && s[b] <= 'Z') || (at - b == 3 && !memcmp(bytes + b, "cls", 3)))
      return true;
  }
  return false;
}

/* Whether the string starting at q (its first quote) has an f prefix: its
 * `{...}` are code. */
static bool f_string(const char *bytes, size_t q) {
  for (size_t b = q; b > 0 && q - b < 3; b--) {
    char c = bytes[b - 1];
    if (c == 'f' || c == 'F')
      return true;
    if (c != 'r' && c != 'R' && c != 'b' && c != 'B')
      return false;
  }
  return false;
}

/* bytes with its comments and its triple-quoted strings other than
 * f-strings (docstrings, prose, SQL) blanked out: what an ORM token may
 * be in. A line's quoted strings stay (an annotation "Session", a
 * relationship("Child")). Caller frees. */
static char *code_view(const char *bytes, size_t len) {
  char *v = ol_malloc(len + 1);
  memcpy(v, bytes, len);
  v[len] = '\0';
  for (size_t i = 0; i < len;) {
    char c = v[i];
    if (c == '#') { /* to the line's end: \n, \r\n or \r alone */
      while (i < len && v[i] != '\n' && v[i] != '\r')
        v[i++] = ' ';
    } else if (c == '"' || c == '\'') {
      bool triple = i + 2 < len && v[i + 1] == c && v[i + 2] == c;
      bool blank = triple && !f_string(v, i);
      size_t j = i + (triple ? 3 : 1);
      while (j < len) {
        if (v[j] == '\\') {
          j += 2;
          continue;
        }
        if (!triple && (v[j] == '\n' || v[j] == '\r'))
          break;
        if (v[j] == c && (!triple || (j + 2 < len && v[j + 1] == c && v[j + 2] == c))) {
          j += triple ? 3 : 1;
          break;
        }
        j++;
      }
      j = j < len ? j : len;
      if (blank)
        memset(v + i, ' ', j - i);
      i = j;
    } else {
      i++;
    }
  }
  return v;
}

bool ol_prefilter_has_token(const ol_name_set *tokens, const char *bytes, size_t len) {
  if (ol_prefilter_has_orm_noqa(bytes, len))
    return true;
  char *code = code_view(bytes, len);
  bool found = has_query_property(code, len) || ol_prefilter_has_name(tokens, code, len);
  for (size_t i = 0; !found && FRAGMENTS[i]; i++)
    found = memmem(code, len, FRAGMENTS[i], strlen(FRAGMENTS[i])) != NULL;
  ol_free(code);
  return found;
}

/* Whether word (n bytes) is in bytes as a whole identifier. */
static bool has_word(const char *bytes, size_t len, const char *word, size_t n) {
  const unsigned char *s = (const unsigned char *)bytes;
  for (const char *p = bytes, *end = bytes + len; (p = memmem(p, (size_t)(end - p), word, n));
       p += n) {
    size_t at = (size_t)(p - bytes);
    if ((at == 0 || !is_ident(s[at - 1])) && (at + n >= len || !is_ident(s[at + n])))
      return true;
  }
  return false;
}

bool ol_prefilter_has_weak_token(const char *bytes, size_t len) {
  return has_word(bytes, len, "query", 5) || has_word(bytes, len, "select", 6);
}
/* ---- the names that matter ---------------------------------------------- */

static bool names_class(const ol_model *m) {
  return m->is_model || m->is_mapped_base || m->cls->n_rels || m->cls->n_columns;
}

/* What a parameter's reads are matched against: the relationships, and
 * the methods and properties of mapped classes (and their bases) that
 * matter. */
typedef struct {
  ol_name_set model_classes, members;
  ol_name_set *classes; /* what a class statement links by name (prefilter.h), or NULL */
  ol_name_set *called;  /* what a call or a read links by name (prefilter.h), or NULL */
} read_names;

static bool add_class(read_names *rn, const char *dotted) {
  return rn->classes && add_last(rn->classes, dotted);
}

/* Models, mapped bases and classes with mapped attributes: their names,
 * their relationships, and the bases of mapped classes (mixins contribute
 * members; `object` contributes nothing). */
static void add_models(const ol_index *ix, ol_name_set *out, read_names *rn) {
  for (size_t i = 0; i < ix->classes.len; i++) {
    const ol_model *m = &ix->classes.items[i];
    if (!names_class(m))
      continue;
    add_name(out, m->name);
    add_name(&rn->model_classes, m->name);
    add_class(rn, m->name);
    for (size_t b = 0; b < m->cls->n_bases && m->is_mapped_base; b++)
      if (strcmp(m->cls->bases[b], "object") != 0) {
        add_last(out, m->cls->bases[b]);
        add_last(&rn->model_classes, m->cls->bases[b]);
        add_class(rn, m->cls->bases[b]);
      }
    for (size_t r = 0; r < m->cls->n_rels; r++) {
      const ol_rel_fact *rel = &m->cls->rels[r];
      add_name(out, rel->name);
      add_name(out, rel->backref);
      add_name(out, rel->back_populates);
      add_name(&rn->members, rel->name);
      add_name(&rn->members, rel->backref);
      add_name(&rn->members, rel->back_populates);
    }
  }
  /* Backrefs a mixin's declared_attr names through a class attribute
   * (`backref(cls.person_link_backref_name)`): known only once linked. */
  for (size_t i = 0; i < ix->relations.len; i++) {
    add_name(out, ix->relations.items[i].name);
    add_name(&rn->members, ix->relations.items[i].name);
  }
  for (size_t i = 0; i < ix->declarative_bases.len; i++) {
    add_last(out, ix->declarative_bases.items[i]);
    add_class(rn, ix->declarative_bases.items[i]);
  }
}

static bool has_hash(const ol_name_set *s, const char *name) {
  return name && ol_name_set_has(s, ol_ident_hash(name, strlen(name)));
}

/* A function whose summary a rule follows through calls: it runs a query,
 * a count or a commit, returns rows or a query (itself or through what it
 * calls), or reads on a parameter a relationship, or a method or property
 * of a mapped class that matters. */
static bool summary_matters(const ol_summary *s, const read_names *rn) {
  for (int e = 0; e < OL_EFFECTS; e++)
    if (s->has[e])
      return true;
  if (s->rows_func >= 0 || s->returns_query)
    return true;
  for (size_t r = 0; r < s->reads.len; r++)
    if (has_hash(&rn->members, s->reads.items[r].attr))
      return true;
  return false;
}

/* A function that does what a rule reports itself or through its calls:
 * a query, a count, a commit, rows or a query returned. (One that only
 * reads a parameter's relationships matters to the caller that passes it
 * rows: that caller is the seed.) */
static bool summary_acts(const ol_summary *s) {
  for (int e = 0; e < OL_EFFECTS; e++)
    if (s->has[e])
      return true;
  return s->rows_func >= 0 || s->returns_query;
}

/* Classes deriving from a class that matters; names bound to a name that
 * matters (`from m import f as g`, `g = f`). */
static bool add_bindings(const ol_file_facts *f, ol_name_set *out, read_names *rn) {
  bool grew = false;
  for (size_t c = 0; c < f->classes.len; c++) {
    const ol_class_fact *cls = &f->classes.items[c];
    bool named = false, linked = false;
    for (size_t b = 0; b < cls->n_bases; b++) {
      named |= has_hash(out, ol_last_component(cls->bases[b]));
      linked |= rn->classes && has_hash(rn->classes, ol_last_component(cls->bases[b]));
    }
    if (named)
      grew |= add_name(out, cls->name);
    if (linked) /* a subclass of a class a class statement links by name */
      grew |= add_class(rn, cls->name);
  }
  for (size_t i = 0; i < f->imports.len; i++) {
    const ol_import_fact *im = &f->imports.items[i];
    if (im->name && has_hash(out, ol_last_component(im->name)))
      grew |= add_name(out, im->local);
  }
  return grew;
}

/* Whether a parameter of function i has a model every call seen passes
 * (ol_index_param_type). Not merely a function whose parameters were looked
 * at: a stdlib's `get`, `run` or `close` would make every file that calls
 * one on anything matter. */
static bool typed_from_callers(const ol_index *ix, int32_t i) {
  const ol_summary *s = &ix->funcs.items[i];
  for (uint32_t p = 0; s->ptypes && p < s->n_ptypes; p++)
    if (ol_index_param_type(ix, i, p))
      return true;
  return false;
}

/* Decorators of Python and its standard library: never a def of the
 * project, and in most files. */
static const char *const LIBRARY_DECORATORS[] = {"property",
                                                 "staticmethod",
                                                 "classmethod",
                                                 "cached_property",
                                                 "abstractmethod",
                                                 "wraps",
                                                 "contextmanager",
                                                 "asynccontextmanager",
                                                 "overload",
                                                 "override",
                                                 "final",
                                                 "dataclass",
                                                 "total_ordering",
                                                 "lru_cache",
                                                 "cache",
                                                 "singledispatch",
                                                 "singledispatchmethod",
                                                 NULL};

/* The decorators function s is behind (ol_func_fact.decos) matter with it:
 * whether each is a transparent one of the project (its calls reach s with
 * the caller's arguments) takes every def of its name. */
static bool add_decorators(ol_name_set *out, const ol_summary *s) {
  bool grew = false;
  for (const char *p = s->fn->decos; p && *p;) {
    size_t len = strcspn(p, "\x1f(");
    bool library = false;
    for (size_t k = 0; LIBRARY_DECORATORS[k] && !library; k++)
      library = strlen(LIBRARY_DECORATORS[k]) == len && !memcmp(LIBRARY_DECORATORS[k], p, len);
    if (len && !library)
      grew |= ol_name_set_add(out, ol_ident_hash(p, len));
    p += strcspn(p, "\x1f");
    p += *p == '\x1f';
  }
  return grew;
}

/* One pass over every summary and binding; returns whether anything grew.
 * done[i]: function i added all it adds (model_classes does not change
 * here, out only grows: a later pass would add nothing more for it). */
static bool add_functions(const ol_index *ix, ol_name_set *out, read_names *rn, bool *done) {
  bool grew = false;
  for (size_t i = 0; i < ix->funcs.len; i++) {
    const ol_summary *s = &ix->funcs.items[i];
    /* A nested function is called only in its own file; a method through
     * its class or a subclass (`self.m()`, `C.m()`, `C(...).m()`), which the
     * caller names, or on a parameter, which only a model's methods count
     * for (the parameter reads rule). */
    if (s->fn->outer < 0 && typed_from_callers(ix, (int32_t)i)) {
      /* a parameter takes what every call passes (param_types.c): a file that calls it by
       * name on any object (`x.m(...)`) holds a call that may pass something else */
      grew |= add_name(out, s->fn->name);
      if (s->fn->cls)
        grew |= add_last(out, s->fn->cls);
      grew |= add_decorators(out, s);
      /* and in any file: the index counts a call `x.m(...)` on any object, or a read of `m`
       * as a value, whatever the file imports (param_types.c, OL_UNSEEN_CALL) */
      if (rn->called)
        add_name(rn->called, s->fn->name);
    }
    if (done[i] || s->fn->outer >= 0 || !summary_matters(s, rn))
      continue;
    done[i] = true;
    grew |= add_decorators(out, s);
    if (!s->fn->cls) {
      grew |= add_name(out, s->fn->name);
      continue;
    }
    grew |= add_last(out, s->fn->cls);
    /* A class statement links by name to a class whose method acts (runs a query, a count or a
     * commit, returns rows or a query): one whose methods only read a parameter's attributes
     * (`p.name`, `p.items`: any class's) matters to a caller that passes rows, which imports it */
    if (summary_acts(s))
      grew |= add_class(rn, s->fn->cls);
    if (has_hash(&rn->model_classes, s->fn->cls)) {
      grew |= add_name(out, s->fn->name);
      grew |= add_name(&rn->members, s->fn->name);
    }
  }
  for (size_t fi = 0; fi < ix->files.len; fi++)
    grew |= add_bindings(ix->files.items[fi].facts, out, rn);
  return grew;
}

bool ol_prefilter_facts_hold_orm(const ol_file_facts *f) {
  if (f->queries.len || f->commits.len || f->lens.len || f->lookups.len || f->index_decls.len ||
      f->func_rows.len || f->declarative_bases.len || f->base_classes.len)
    return true;
  for (size_t c = 0; c < f->classes.len; c++)
    if (f->classes.items[c].n_columns || f->classes.items[c].n_rels)
      return true;
  return false;
}

/* Per file of ix: whether it holds ORM code or defines or binds what acts
 * (prefilter.h): its models and mapped classes, its functions that act and
 * the classes holding them, and, to a fixpoint, the files that import one
 * of those from such a file (`from .users import get_user` in a package's
 * __init__), or all of such a file (`from .users import *`), and the
 * classes deriving from one (their bases as the index resolved them). */
static void mark_seeds(const ol_index *ix, bool *seeds) {
  ol_name_set acts = {0};
  for (size_t i = 0; i < ix->files.len; i++)
    seeds[i] = ol_prefilter_facts_hold_orm(ix->files.items[i].facts);
  for (size_t i = 0; i < ix->classes.len; i++)
    if (names_class(&ix->classes.items[i])) {
      seeds[ix->classes.items[i].file] = true;
      add_name(&acts, ix->classes.items[i].name);
    }
  for (size_t i = 0; i < ix->funcs.len; i++) {
    const ol_summary *s = &ix->funcs.items[i];
    if (s->fn->outer >= 0 || !summary_acts(s))
      continue;
    seeds[s->file] = true;
    if (s->fn->cls)
      add_last(&acts, s->fn->cls);
    else
      add_name(&acts, s->fn->name);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t fi = 0; fi < ix->files.len; fi++) {
      const ol_file_facts *f = ix->files.items[fi].facts;
      for (size_t i = 0; i < f->imports.len && !seeds[fi]; i++) {
        const ol_import_fact *im = &f->imports.items[i];
        /* `from m import *` binds every name of m; else the name must act (resolved after) */
        bool star = im->name && !strcmp(im->local, "*");
        if (!im->name || (!star && !has_hash(&acts, ol_last_component(im->name))))
          continue;
        int32_t from = ol_index_import_file(ix, (uint32_t)fi, im);
        if (from < 0 || !seeds[from])
          continue;
        if (!star)
          add_name(&acts, im->local);
        grew = seeds[fi] = true;
      }
    }
    for (size_t c = 0; c < ix->classes.len; c++) { /* deriving from a class that acts */
      const ol_model *m = &ix->classes.items[c];
      for (size_t b = 0; ix->base_at && b < m->cls->n_bases; b++) {
        int32_t base = ix->base_ids[ix->base_at[c] + b];
        if (base >= 0 && seeds[ix->classes.items[base].file] &&
            has_hash(&acts, ix->classes.items[base].name) && add_name(&acts, m->name)) {
          grew = seeds[m->file] = true;
          break;
        }
      }
    }
  }
  ol_name_set_free(&acts);
}

/* The import of file f that binds local name[0..n), NULL. */
static const ol_import_fact *import_of(const ol_file_facts *f, const char *name, size_t n) {
  for (size_t i = 0; i < f->imports.len; i++)
    if (f->imports.items[i].module && strlen(f->imports.items[i].local) == n &&
        !memcmp(f->imports.items[i].local, name, n))
      return &f->imports.items[i];
  return NULL;
}

/* Loops of f that commit (themselves, through a call, or in a loop inside them): per loop,
 * caller frees. */
static bool *commit_loops(const ol_index *ix, uint32_t fi) {
  const ol_file_facts *f = ix->files.items[fi].facts;
  bool *eff = ol_calloc(f->loops.len ? f->loops.len : 1, sizeof *eff);
#define MARK(l0)                                                                                  \
  for (int32_t l = (l0); l >= 0 && l < (int32_t)f->loops.len; l = f->loops.items[l].parent)       \
  eff[l] = true
  for (size_t i = 0; i < f->commits.len; i++)
    MARK(f->commits.items[i].loop);
  for (size_t i = 0; i < f->calls.len; i++) {
    int32_t t = ix->files.items[fi].call_target[i];
    if (f->calls.items[i].loop >= 0 && t >= 0 && ix->funcs.items[t].has[OL_EFFECT_COMMIT])
      MARK(f->calls.items[i].loop);
  }
#undef MARK
  return eff;
}

/* Outside work (exec.c) makes a loop's commits per item by design, there or in a function on
 * the way to the commit (rule_calls.c); whether a call does it is a fact of the file that
 * defines the callee, and of what that calls. A call the index cannot resolve, of a name the
 * file imports (`helper(x)`, `mod.helper(x)`) or a method of an object a constructor made
 * (`x = Cls(...); x.m()`), made in a loop that commits, in a function that commits, or in a
 * function so named before (probes): its names matter, so that the file defining it is parsed
 * as --no-prefilter would parse it, and round after round what that function calls. */
static bool add_outside_probes(const ol_index *ix, ol_name_set *out, ol_name_set *probes) {
  bool grew = false;
  for (uint32_t fi = 0; fi < ix->files.len; fi++) {
    const ol_file_facts *f = ix->files.items[fi].facts;
    bool *eff = NULL;
    for (size_t i = 0; i < f->calls.len; i++) {
      const ol_call_fact *c = &f->calls.items[i];
      if (ix->files.items[fi].call_target[i] >= 0 || c->attr_only || c->recv_param >= 0 ||
          c->recv_loop >= 0)
        continue;
      int32_t fn = c->func >= 0 ? (int32_t)ix->files.items[fi].first_func + c->func : -1;
      bool wanted = fn >= 0 && (ix->funcs.items[fn].has[OL_EFFECT_COMMIT] ||
                                has_hash(probes, f->funcs.items[c->func].name));
      if (!wanted && c->loop >= 0) {
        if (!eff)
          eff = commit_loops(ix, fi);
        wanted = c->loop < (int32_t)f->loops.len && eff[c->loop];
      }
      if (!wanted)
        continue;
      const char *dot = strchr(c->callee, '.');
      if (c->recv_call >= 0) { /* `Cls(...).m()`: the method and the class */
        grew |= add_last(out, c->callee);
        grew |= add_last(out, f->calls.items[c->recv_call].callee);
        grew |= add_last(probes, c->callee);
      } else if (!dot ? import_of(f, c->callee, strlen(c->callee)) != NULL
                      : !strchr(dot + 1, '.') &&
                            import_of(f, c->callee, (size_t)(dot - c->callee)) != NULL) {
        grew |= add_last(out, c->callee); /* `helper(x)`, `mod.helper(x)`, `Cls.m(x)` */
        grew |= add_last(probes, c->callee);
      }
    }
    ol_free(eff);
  }
  return grew;
}

void ol_prefilter_names(const ol_index *ix, const ol_config *cfg, ol_name_set *out,
                        ol_name_set *classes, ol_name_set *called, ol_name_set *probes,
                        bool *seeds) {
  read_names rn = {.classes = classes, .called = called};
  add_models(ix, out, &rn);
  for (size_t i = 0; i < cfg->n_model_bases; i++) {
    add_last(out, cfg->model_bases[i]);
    add_class(&rn, cfg->model_bases[i]);
  }
  bool *done = ol_calloc(ix->funcs.len ? ix->funcs.len : 1, sizeof *done);
  for (int round = 0; round < 64; round++) {
    bool grew = add_functions(ix, out, &rn, done);
    if (!add_outside_probes(ix, out, probes) && !grew) /* both run each round */
      break;
  }
  if (seeds)
    mark_seeds(ix, seeds);
  ol_free(done);
  ol_name_set_free(&rn.model_classes);
  ol_name_set_free(&rn.members);
}
