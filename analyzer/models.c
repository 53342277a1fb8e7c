/* Class facts for the project index: bases, __tablename__, columns (primary
 * and foreign keys, indexes), relationships (target, lazy strategy, uselist,
 * backref/back_populates), properties and methods; and names bound to
 * declarative_base() results. */
#include <ctype.h>
#include <string.h>

#include "source.h"
#include "walk_internal.h"

#define GROW(arr, n) ((arr) = ol_realloc((arr), ((n) + 1) * sizeof(*(arr))), &(arr)[(n)++])

static TSNode kwarg(ol_walker *w, TSNode call, const char *name) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, a) == OL_K_keyword_argument &&
        ol_node_text_is(w, ol_child(w->sx, a, OL_F_name), name))
      return ol_child(w->sx, a, OL_F_value);
  }
  return (TSNode){0};
}

static bool kwarg_true(ol_walker *w, TSNode call, const char *name) {
  return ol_kind_of(w->sx, kwarg(w, call, name)) == OL_K_true;
}

/* The called name: `Column` for db.Column(...) and sa.Column(...). */
static bool callee_is(ol_walker *w, TSNode call, const char *name) {
  if (ol_kind_of(w->sx, call) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute)
    fn = ol_child(w->sx, fn, OL_F_attribute);
  return ol_node_text_is(w, fn, name);
}

/* The contents of a string literal node, arena copy; NULL if not a plain string. */
static char *string_value(ol_walker *w, TSNode s) {
  if (ol_kind_of(w->sx, s) != OL_K_string)
    return NULL;
  uint32_t a = ts_node_start_byte(s), b = ts_node_end_byte(s);
  while (a < b && w->src[a] != '"' && w->src[a] != '\'')
    a++; /* skip prefixes */
  char q = w->src[a];
  uint32_t qn = (b - a >= 6 && w->src[a + 1] == q && w->src[a + 2] == q) ? 3 : 1;
  if (b - a < 2 * qn)
    return NULL;
  return ol_arena_strndup(&w->out->arena, w->src + a + qn, b - a - 2 * qn);
}

/* "app.models.Chef" / Chef / models.Chef -> "Chef". */
static char *class_name_of(ol_walker *w, TSNode n) {
  char *s = string_value(w, n);
  if (!s) {
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_attribute)
      n = ol_child(w->sx, n, OL_F_attribute), k = OL_K_identifier;
    if (k != OL_K_identifier)
      return NULL;
    return ol_node_text(w, n);
  }
  char *dot = strrchr(s, '.');
  return dot ? dot + 1 : s;
}

static ol_lazy lazy_of(ol_walker *w, TSNode v, ol_lazy dflt) {
  ol_kind k = ol_kind_of(w->sx, v);
  if (k == OL_K_true)
    return OL_LAZY_SELECT;
  if (k == OL_K_false)
    return OL_LAZY_JOINED;
  if (k == OL_K_none)
    return OL_LAZY_NEVER;
  char *s = string_value(w, v);
  if (!s)
    return dflt;
  static const struct {
    const char *name;
    ol_lazy lazy;
  } names[] = {{"select", OL_LAZY_SELECT},       {"joined", OL_LAZY_JOINED},
               {"selectin", OL_LAZY_SELECTIN},   {"subquery", OL_LAZY_SUBQUERY},
               {"immediate", OL_LAZY_IMMEDIATE}, {"raise", OL_LAZY_NEVER},
               {"raise_on_sql", OL_LAZY_NEVER},  {"noload", OL_LAZY_NEVER},
               {"dynamic", OL_LAZY_DYNAMIC},     {"write_only", OL_LAZY_WRITE_ONLY}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!strcmp(s, names[i].name))
      return names[i].lazy;
  return dflt;
}

/* 1 True, 0 False, -1 not said, -2 computed (`uselist=(cls.unique_links != True)`):
 * said, but not known here. */
static int uselist_of(ol_walker *w, TSNode call) {
  TSNode v = kwarg(w, call, "uselist");
  ol_kind k = ol_kind_of(w->sx, v);
  return k == OL_K_true ? 1 : k == OL_K_false ? 0 : ts_node_is_null(v) ? -1 : -2;
}

/* Mapped[list["X"]] -> collection; Mapped["X"] / Mapped[Optional[X]] -> scalar. */
static int uselist_from_annotation(ol_walker *w, TSNode type) {
  if (ts_node_is_null(type))
    return -1;
  uint32_t s = ts_node_start_byte(type), e = ts_node_end_byte(type);
  const char *t = w->src + s;
  size_t n = e - s;
  if (!memmem(t, n, "Mapped[", 7))
    return -1;
  static const char *const many[] = {
      "list[", "List[", "set[", "Set[", "Sequence[", "DynamicMapped", "WriteOnlyMapped", NULL};
  for (const char *const *m = many; *m; m++)
    if (memmem(t, n, *m, strlen(*m)))
      return 1;
  return 0;
}

/* 1-based UTF-16 column of off: related locations in other files need it
 * after this file's source is gone. */
static uint32_t col16(ol_walker *w, uint32_t off) {
  uint32_t start = off, col = 1;
  while (start > 0 && w->src[start - 1] != '\n' && w->src[start - 1] != '\r')
    start--;
  for (uint32_t i = start; i < off;) {
    int n = ol_utf8_len((const unsigned char *)w->src + i, w->len - i);
    col += n == 4 ? 2 : 1;
    i += n ? (uint32_t)n : 1;
  }
  return col;
}

/* `cls.name` (a declared_attr reading a class attribute of the class being
 * mapped): name, arena copy; NULL for anything else. */
static char *cls_attribute(ol_walker *w, TSNode n) {
  if (ol_kind_of(w->sx, n) != OL_K_attribute ||
      !ol_node_text_is(w, ol_child(w->sx, n, OL_F_object), "cls"))
    return NULL;
  return ol_node_text(w, ol_child(w->sx, n, OL_F_attribute));
}

/* An f-string (`f"{cls.__name__}Link"`): a name computed at import time. */
static bool is_fstring(ol_walker *w, TSNode n) {
  if (ol_kind_of(w->sx, n) != OL_K_string)
    return false;
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  for (; a < b && w->src[a] != '"' && w->src[a] != '\''; a++)
    if (w->src[a] == 'f' || w->src[a] == 'F')
      return true;
  return false;
}

/* What a mixin's declared_attr computes from the class being mapped: the
 * target, lazy=, the backref's name and lazy= read as `cls.X` (the index
 * resolves them per subclass); an f-string or any other computed target
 * leaves the target unknown (never taken for a class name). */
static void computed_parts(ol_walker *w, ol_rel_fact *r, TSNode first, TSNode lazy, TSNode br) {
  r->target_attr = cls_attribute(w, first);
  if (r->target_attr || is_fstring(w, first))
    r->target = NULL;
  r->lazy_attr = cls_attribute(w, lazy);
  if (callee_is(w, br, "backref")) {
    r->backref_attr = cls_attribute(w, ts_node_named_child(ol_child(w->sx, br, OL_F_arguments), 0));
    r->backref_lazy_attr = cls_attribute(w, kwarg(w, br, "lazy"));
  } else {
    r->backref_attr = cls_attribute(w, br);
  }
  if (is_fstring(w, br) ||
      (callee_is(w, br, "backref") &&
       is_fstring(w, ts_node_named_child(ol_child(w->sx, br, OL_F_arguments), 0))))
    r->backref = NULL;
}

/* What the names in src[a, b) that end a dotted path (`id`, `Category.id`,
 * `[id]`, `"Category.parent_id"`) say among the columns the class body
 * declared so far: the remote side of a self-referential relationship.
 * SQLAlchemy reads the direction from the foreign key: remote, the
 * relationship is one-to-many; only the key it points to remote (the
 * primary key or a unique column), many-to-one. */
static ol_remote remote_names(const ol_class_fact *c, const char *src, uint32_t a, uint32_t b) {
  bool fk = false, unknown = false, any = false;
  for (uint32_t i = a; i < b;) {
    if (!(isalpha((unsigned char)src[i]) || src[i] == '_')) {
      i++;
      continue;
    }
    uint32_t s = i;
    while (i < b && (isalnum((unsigned char)src[i]) || src[i] == '_'))
      i++;
    if (i < b && src[i] == '.')
      continue; /* a class or module before the column */
    size_t n = i - s;
    if ((n == 6 && !memcmp(src + s, "lambda", 6)) || (n == 2 && !memcmp(src + s, "db", 2)))
      continue;
    bool found = false;
    for (size_t k = 0; k < c->n_columns && !found; k++)
      if (strlen(c->columns[k].name) == n && !memcmp(c->columns[k].name, src + s, n)) {
        found = true;
        fk |= c->columns[k].fk_table || c->columns[k].fk_class;
      }
    unknown |= !found;
    any = true;
  }
  if (fk)
    return OL_REMOTE_FK;
  return unknown || !any ? OL_REMOTE_UNKNOWN : OL_REMOTE_KEY;
}

/* The remote side a relationship(...) or backref(...) call writes:
 * `remote_side=...`, or the `remote(...)` annotations of its primaryjoin
 * (an expression or its string). */
static int8_t remote_of(ol_walker *w, const ol_class_fact *c, TSNode call) {
  TSNode side = kwarg(w, call, "remote_side");
  if (!ts_node_is_null(side))
    return (int8_t)remote_names(c, w->src, ts_node_start_byte(side), ts_node_end_byte(side));
  TSNode join = kwarg(w, call, "primaryjoin");
  if (ts_node_is_null(join))
    return OL_REMOTE_UNSAID;
  uint32_t a = ts_node_start_byte(join), b = ts_node_end_byte(join);
  int8_t said = OL_REMOTE_UNSAID;
  for (const char *p = w->src + a; (p = memmem(p, (size_t)(w->src + b - p), "remote(", 7));) {
    uint32_t open = (uint32_t)(p - w->src) + 7, close = open;
    while (close < b && w->src[close] != ')')
      close++;
    bool word = p > w->src + a && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
    p += 7;
    if (word)
      continue; /* another function whose name ends so (`not_remote(`) */
    int8_t r = (int8_t)remote_names(c, w->src, open, close);
    said = said == OL_REMOTE_FK || r == OL_REMOTE_FK ? OL_REMOTE_FK /* a remote foreign key */
           : said == OL_REMOTE_UNSAID || said == r   ? r
                                                     : OL_REMOTE_UNKNOWN;
  }
  return said;
}

static void relationship(ol_walker *w, ol_class_fact *c, TSNode stmt, TSNode left, TSNode call,
                         TSNode type) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  TSNode first = ts_node_named_child(args, 0);
  ol_rel_fact *r = GROW(c->rels, c->n_rels);
  memset(r, 0, sizeof *r);
  r->name = ol_node_text(w, left);
  r->target = ol_kind_of(w->sx, first) == OL_K_keyword_argument ? NULL : class_name_of(w, first);
  if (!r->target && !ts_node_is_null(type)) { /* Mapped[list["Chef"]]: the innermost name */
    uint32_t s = ts_node_start_byte(type), e = ts_node_end_byte(type), end = e;
    while (end > s && strchr("]) \"'", w->src[end - 1]))
      end--;
    uint32_t b = end;
    while (b > s &&
           (isalnum((unsigned char)w->src[b - 1]) || w->src[b - 1] == '_' || w->src[b - 1] == '.'))
      b--;
    char *name = ol_arena_strndup(&w->out->arena, w->src + b, end - b);
    char *dot = strrchr(name, '.');
    r->target = dot ? dot + 1 : name;
  }
  TSNode lazy = kwarg(w, call, "lazy");
  r->lazy = lazy_of(w, lazy, OL_LAZY_SELECT);
  r->lazy_value = ol_node_span(lazy);
  r->uselist = uselist_of(w, call);
  if (r->uselist == -1)
    r->uselist = uselist_from_annotation(w, type);
  r->secondary = !ts_node_is_null(kwarg(w, call, "secondary"));
  r->remote = remote_of(w, c, call);
  char *bp = string_value(w, kwarg(w, call, "back_populates"));
  r->back_populates = bp;
  TSNode br = kwarg(w, call, "backref");
  r->backref = string_value(w, br);
  r->backref_lazy = OL_LAZY_SELECT;
  r->backref_uselist = -1;
  if (!r->backref && callee_is(w, br, "backref")) {
    r->backref = string_value(w, ts_node_named_child(ol_child(w->sx, br, OL_F_arguments), 0));
    r->backref_lazy = lazy_of(w, kwarg(w, br, "lazy"), OL_LAZY_SELECT);
    r->backref_uselist = uselist_of(w, br);
    r->backref_remote = remote_of(w, c, br);
  }
  computed_parts(w, r, first, lazy, br);
  r->span = ol_node_span(stmt);
  r->line = ts_node_start_point(stmt).row + 1;
  r->col = col16(w, ts_node_start_byte(stmt));
}

/* `domains = association_proxy("certificate_associations", "domain")`:
 * both names as strings, else nothing is recorded. */
static void association_proxy(ol_walker *w, ol_class_fact *c, TSNode stmt, TSNode left,
                              TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  char *of = string_value(w, ts_node_named_child(args, 0));
  char *attr = string_value(w, ts_node_named_child(args, 1));
  if (!of || !attr || is_fstring(w, ts_node_named_child(args, 0)) ||
      is_fstring(w, ts_node_named_child(args, 1)))
    return;
  ol_rel_fact *r = GROW(c->rels, c->n_rels);
  memset(r, 0, sizeof *r);
  r->name = ol_node_text(w, left);
  r->proxy_of = of;
  r->proxy_attr = attr;
  r->lazy = OL_LAZY_NEVER;
  r->uselist = r->backref_uselist = -1;
  r->span = ol_node_span(stmt);
  r->line = ts_node_start_point(stmt).row + 1;
  r->col = col16(w, ts_node_start_byte(stmt));
}

/* Where `index=True` goes: after the last argument (comments skipped), or
 * inside empty parentheses. */
static void index_insertion(ol_walker *w, ol_column_fact *col, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  col->index_value = ol_node_span(kwarg(w, call, "index"));
  if (ol_kind_of(w->sx, args) != OL_K_argument_list)
    return;
  TSNode last = {0};
  for (uint32_t i = ts_node_named_child_count(args); i-- > 0 && ts_node_is_null(last);)
    if (ol_kind_of(w->sx, ts_node_named_child(args, i)) != OL_K_comment)
      last = ts_node_named_child(args, i);
  col->insert_comma = !ts_node_is_null(last);
  col->insert_at = col->insert_comma ? ts_node_end_byte(last) : ts_node_start_byte(args) + 1;
}

/* Column(Boolean), Column(db.Boolean()), `x: Mapped[bool]`: two values, a
 * poor index key on its own; so is an Enum column (Enum(...), a project's
 * own *Enum type such as PyIntEnum(Status), sqlalchemy_utils' ChoiceType): a handful of
 * values. */
static bool is_boolean(ol_walker *w, TSNode call, TSNode type) {
  if (!ts_node_is_null(type)) {
    uint32_t s = ts_node_start_byte(type), e = ts_node_end_byte(type);
    if (memmem(w->src + s, e - s, "[bool]", 6) || memmem(w->src + s, e - s, "[Optional[bool]]", 16))
      return true;
  }
  if (ts_node_is_null(call))
    return false;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  TSNode first = ts_node_named_child(args, 0);
  if (ol_kind_of(w->sx, first) == OL_K_string) /* Column("name", Boolean) in a Table */
    first = ts_node_named_child(args, 1);
  if (ol_kind_of(w->sx, first) == OL_K_call)
    first = ol_child(w->sx, first, OL_F_function);
  if (ol_kind_of(w->sx, first) == OL_K_attribute)
    first = ol_child(w->sx, first, OL_F_attribute);
  if (ts_node_is_null(first))
    return false;
  uint32_t a = ts_node_start_byte(first), b = ts_node_end_byte(first);
  return ol_node_text_is(w, first, "Boolean") || ol_node_text_is(w, first, "ChoiceType") ||
         (b - a >= 4 && memmem(w->src + a, b - a, "Enum", 4) != NULL);
}

static bool text_has(ol_walker *w, TSNode n, const char *word) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  return memmem(w->src + s, e - s, word, strlen(word)) != NULL;
}

/* The kind of values a column holds: from its type argument
 * (Column(Integer), mapped_column(db.String(20))) or its annotation
 * (Mapped[int], Mapped[Optional[str]]). A bare ForeignKey leaves it unknown. */
static uint8_t column_kind(ol_walker *w, TSNode call, TSNode type) {
  static const char *const INTS[] = {"Integer", "BigInteger", "SmallInteger", "INTEGER",
                                     "BIGINT",  "SMALLINT",   "INT",          NULL};
  static const char *const STRS[] = {"String", "Unicode", "VARCHAR", "CHAR", "NVARCHAR", NULL};
  static const char *const TEXTS[] = {"Text", "UnicodeText", "TEXT", "CITEXT", NULL};
  TSNode args = ts_node_is_null(call) ? call : ol_child(w->sx, call, OL_F_arguments);
  for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_string || k == OL_K_comment)
      continue; /* Column("name", Integer) */
    if (k == OL_K_keyword_argument)
      break;
    if (k == OL_K_call)
      a = ol_child(w->sx, a, OL_F_function);
    if (ol_kind_of(w->sx, a) == OL_K_attribute)
      a = ol_child(w->sx, a, OL_F_attribute);
    if (ol_kind_of(w->sx, a) != OL_K_identifier || ol_node_text_is(w, a, "ForeignKey"))
      break;
    for (const char *const *t = INTS; *t; t++)
      if (ol_node_text_is(w, a, *t))
        return OL_COL_INTEGER;
    for (const char *const *t = STRS; *t; t++)
      if (ol_node_text_is(w, a, *t))
        return OL_COL_STRING;
    for (const char *const *t = TEXTS; *t; t++)
      if (ol_node_text_is(w, a, *t))
        return OL_COL_TEXT;
    return OL_COL_OTHER;
  }
  if (!ts_node_is_null(type) && text_has(w, type, "Mapped[")) {
    if (text_has(w, type, "[int]") || text_has(w, type, "[Optional[int]]") ||
        text_has(w, type, "[int | None]"))
      return OL_COL_INTEGER;
    if (text_has(w, type, "[str]") || text_has(w, type, "[Optional[str]]") ||
        text_has(w, type, "[str | None]"))
      return OL_COL_STRING;
    return OL_COL_OTHER;
  }
  return OL_COL_UNKNOWN;
}

/* The first argument of deferred(...) / column_property(...). */
static TSNode deferred_inner(ol_walker *w, TSNode call) {
  return ts_node_named_child(ol_child(w->sx, call, OL_F_arguments), 0);
}

/* `column_property(<select of func.count()>, ...)` / `deferred(<it>)`: a
 * counting column of the class, loaded by its own COUNT when deferred. */
static bool count_property(ol_walker *w, ol_class_fact *c, TSNode stmt, TSNode left, TSNode right) {
  if (!callee_is(w, right, "deferred") && !callee_is(w, right, "column_property"))
    return false;
  ol_valinfo v = ol_classify(w, deferred_inner(w, right));
  if ((v.kind != OL_VAL_SELECT && v.kind != OL_VAL_QUERY) || !v.count)
    return false;
  ol_column_fact *col = GROW(c->columns, c->n_columns);
  memset(col, 0, sizeof *col);
  col->name = ol_node_text(w, left);
  col->decl = ol_node_span(stmt);
  col->type_kind = OL_COL_INTEGER;
  col->counts = true;
  col->deferred = callee_is(w, right, "deferred") || kwarg_true(w, right, "deferred");
  return true;
}

void ol_models_check_attribute_assignment(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left),
         right = ol_unwrap(w, ol_child(w->sx, assign, OL_F_right));
  if (ol_kind_of(w->sx, left) != OL_K_attribute || ts_node_is_null(right) ||
      ol_kind_of(w->sx, right) != OL_K_call)
    return;
  TSNode obj = ol_child(w->sx, left, OL_F_object);
  if (ol_kind_of(w->sx, obj) != OL_K_identifier)
    return;
  for (size_t i = w->out->classes.len; i-- > 0;) {
    ol_class_fact *c = &w->out->classes.items[i];
    if (c->declares_declarative_base || !ol_node_text_is(w, obj, c->name))
      continue;
    if (count_property(w, c, ol_walk_statement(w, assign), ol_child(w->sx, left, OL_F_attribute),
                       right))
      w->class_edits++; /* a fact of the class, made outside it: the memo walks this again */
    return;
  }
}

static void column(ol_walker *w, ol_class_fact *c, TSNode stmt, TSNode left, TSNode call,
                   TSNode type) {
  ol_column_fact *col = GROW(c->columns, c->n_columns);
  memset(col, 0, sizeof *col);
  col->name = ol_node_text(w, left);
  col->decl = ol_node_span(stmt);
  col->boolean = is_boolean(w, call, type);
  col->type_kind = column_kind(w, call, type);
  col->pk = kwarg_true(w, call, "primary_key");
  col->indexed = kwarg_true(w, call, "index") || kwarg_true(w, call, "unique");
  index_insertion(w, col, call);
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (!callee_is(w, a, "ForeignKey"))
      continue;
    TSNode ref = ts_node_named_child(ol_child(w->sx, a, OL_F_arguments), 0);
    char *target = string_value(w, ref);
    if (target && strchr(target, '.'))
      *strrchr(target, '.') = '\0';
    col->fk_table = target;
    if (!target && ol_kind_of(w->sx, ref) == OL_K_attribute) /* ForeignKey(User.id) */
      col->fk_class = class_name_of(w, ol_child(w->sx, ref, OL_F_object));
  }
  if (n && ol_kind_of(w->sx, ts_node_named_child(args, 0)) == OL_K_string)
    col->db_name = string_value(w, ts_node_named_child(args, 0)); /* Column("type", String) */
  if (col->pk) {
    c->pk = ol_realloc(c->pk, (c->n_pk + 1) * sizeof(char *));
    c->pk[c->n_pk++] = col->name;
  }
}

/* The column an index expression names: "a", a, Model.a, table.c.a, Model.a.desc(). */
static char *index_column(ol_walker *w, TSNode n) {
  for (int i = 0; i < 4 && ol_kind_of(w->sx, n) == OL_K_call; i++) {
    TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
    if (ol_kind_of(w->sx, fn) == OL_K_attribute) /* Model.a.desc() */
      n = ol_child(w->sx, fn, OL_F_object);
    else if (ts_node_named_child_count(args) == 1) /* desc(Model.a) */
      n = ts_node_named_child(args, 0);
    else
      return NULL;
  }
  char *s = string_value(w, n);
  if (s)
    return s;
  if (ol_kind_of(w->sx, n) == OL_K_attribute)
    n = ol_child(w->sx, n, OL_F_attribute);
  return ol_kind_of(w->sx, n) == OL_K_identifier ? ol_node_text(w, n) : NULL;
}

/* The leading column of Index("ix", a, ...), UniqueConstraint(a, ...) or
 * PrimaryKeyConstraint(a, ...); NULL for anything else. */
TSNode ol_models_index_leading(ol_walker *w, TSNode call) {
  bool named = callee_is(w, call, "Index");
  if (!named && !callee_is(w, call, "UniqueConstraint") &&
      !callee_is(w, call, "PrimaryKeyConstraint"))
    return (TSNode){0};
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_named_child_count(args), skip = named ? 1 : 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_keyword_argument || k == OL_K_list_splat || k == OL_K_comment)
      continue;
    if (skip) {
      skip--;
      continue;
    }
    return a;
  }
  return (TSNode){0};
}

/* __table_args__ = (Index("ix", "a", "b"), UniqueConstraint("a", "c"), {...}) */
static void table_args(ol_walker *w, ol_class_fact *c, TSNode value) {
  value = ol_unwrap(w, value);
  ol_kind k = ol_kind_of(w->sx, value);
  uint32_t n = k == OL_K_tuple || k == OL_K_list ? ts_node_named_child_count(value) : 1;
  for (uint32_t i = 0; i < n; i++) {
    TSNode item = k == OL_K_tuple || k == OL_K_list ? ts_node_named_child(value, i) : value;
    TSNode lead = ol_models_index_leading(w, item);
    char *name = ts_node_is_null(lead) ? NULL : index_column(w, lead);
    if (name)
      *GROW(c->leading, c->n_leading) = name;
  }
}

static void member(ol_walker *w, ol_class_fact *c, TSNode def) {
  char **m = GROW(c->members, c->n_members);
  *m = ol_node_text(w, ol_child(w->sx, def, OL_F_name));
}

/* @declared_attr, @declared_attr.directive / .cascading, @sa.orm.declared_attr,
 * and a name imported as `..._declared_attr`. */
static bool is_declared_attr(ol_walker *w, TSNode decorated) {
  for (uint32_t i = 0; i < ts_node_named_child_count(decorated); i++) {
    TSNode d = ts_node_named_child(decorated, i);
    if (ol_kind_of(w->sx, d) != OL_K_decorator)
      continue;
    TSNode e = ts_node_named_child(d, 0);
    if (ol_kind_of(w->sx, e) == OL_K_attribute &&
        (ol_node_text_is(w, ol_child(w->sx, e, OL_F_attribute), "directive") ||
         ol_node_text_is(w, ol_child(w->sx, e, OL_F_attribute), "cascading")))
      e = ol_child(w->sx, e, OL_F_object);
    if (ol_kind_of(w->sx, e) == OL_K_attribute)
      e = ol_child(w->sx, e, OL_F_attribute);
    uint32_t a = ts_node_start_byte(e), b = ts_node_end_byte(e);
    if (ol_kind_of(w->sx, e) == OL_K_identifier && b - a >= 13 &&
        !memcmp(w->src + b - 13, "declared_attr", 13))
      return true;
  }
  return false;
}

/* The last statement of a block, comments skipped; null when none. */
static TSNode last_statement(ol_walker *w, TSNode block) {
  for (uint32_t i = ts_node_named_child_count(block); i-- > 0;) {
    TSNode s = ts_node_named_child(block, i);
    if (ol_kind_of(w->sx, s) != OL_K_comment)
      return s;
  }
  return (TSNode){0};
}

/* What a declared_attr returns: `return X` after nothing but a docstring
 * and imports. Not `if <cond>: return X` (the attribute exists only on the
 * subclasses the condition admits, which the index cannot tell: indico's
 * LinkMixin), nor a body that computes names the call uses (a correlated
 * subquery in primaryjoin= may not allow every loader). */
static TSNode declared_value(ol_walker *w, TSNode def) {
  TSNode body = ol_child(w->sx, def, OL_F_body);
  TSNode last = last_statement(w, body);
  for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
    TSNode st = ts_node_named_child(body, i);
    ol_kind k = ol_kind_of(w->sx, st);
    if (ts_node_eq(st, last) || k == OL_K_comment || k == OL_K_import_statement ||
        k == OL_K_import_from_statement ||
        (k == OL_K_expression_statement &&
         ol_kind_of(w->sx, ts_node_named_child(st, 0)) == OL_K_string))
      continue;
    return (TSNode){0};
  }
  if (ol_kind_of(w->sx, last) != OL_K_return_statement || !ts_node_named_child_count(last))
    return (TSNode){0};
  return ol_unwrap(w, ts_node_named_child(last, 0));
}

static bool has_foreign_key(ol_walker *w, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++)
    if (callee_is(w, ts_node_named_child(args, i), "ForeignKey"))
      return true;
  return false;
}

/* `@declared_attr def rel(cls): return relationship(...)` on a mixin or an
 * abstract base: a relationship of every class that inherits it, as if
 * assigned in the class body; so is a column with a ForeignKey (where
 * directions are read from; other columns are left to the rules that know
 * tables). False when it returns anything else. */
static bool declared_attr(ol_walker *w, ol_class_fact *c, TSNode decorated, TSNode def) {
  if (!is_declared_attr(w, decorated))
    return false;
  TSNode value = declared_value(w, def), name = ol_child(w->sx, def, OL_F_name),
         type = ol_child(w->sx, def, OL_F_return_type);
  if (callee_is(w, value, "relationship") || callee_is(w, value, "relation"))
    relationship(w, c, decorated, name, value, type);
  else if ((callee_is(w, value, "Column") || callee_is(w, value, "mapped_column")) &&
           has_foreign_key(w, value))
    column(w, c, decorated, name, value, type); /* what directions are read from */
  else
    return false;
  return true;
}

/* `person_link_relation_name = 'ContributionPersonLink'`: a class attribute
 * a mixin's declared_attr may read as cls.<name>. An empty tuple or list is
 * "()" (`_query_options = ()`: no loader options), any other value "?": the
 * class binds it, to something not known here. */
static void class_attribute(ol_walker *w, ol_class_fact *c, TSNode left, TSNode right) {
  ol_kind k = ol_kind_of(w->sx, right);
  bool empty = (k == OL_K_tuple || k == OL_K_list) && ts_node_named_child_count(right) == 0;
  char *value = k == OL_K_string && !is_fstring(w, right) ? string_value(w, right)
                : k == OL_K_identifier || k == OL_K_true || k == OL_K_false || k == OL_K_none
                    ? ol_node_text(w, right)
                : empty ? ol_walk_intern_string(w, "()")
                        : ol_walk_intern_string(w, "?");
  if (!value)
    return;
  *GROW(c->attrs, c->n_attrs) = ol_node_text(w, left);
  *GROW(c->attrs, c->n_attrs) = value;
}

static void read_table(ol_walker *w, ol_class_fact *c, TSNode table);

/* Whether a `__table_args__` value is written out: a tuple or list of
 * constraint and index calls and a dict of options, or one of those alone.
 * Anything else (`auto_table_args(cls)`, `BASE_ARGS + (...)`, `(*args,)`)
 * is computed, and the indexes it declares are not known. */
static bool table_args_literal(ol_walker *w, TSNode value) {
  static const char *const CONSTRAINTS[] = {"Index",
                                            "UniqueConstraint",
                                            "CheckConstraint",
                                            "PrimaryKeyConstraint",
                                            "ForeignKeyConstraint",
                                            NULL};
  value = ol_unwrap(w, value);
  ol_kind k = ol_kind_of(w->sx, value);
  uint32_t n = k == OL_K_tuple || k == OL_K_list ? ts_node_named_child_count(value) : 1;
  for (uint32_t i = 0; i < n; i++) {
    TSNode item = k == OL_K_tuple || k == OL_K_list ? ts_node_named_child(value, i) : value;
    ol_kind ik = ol_kind_of(w->sx, item);
    if (ik == OL_K_comment || ik == OL_K_dictionary)
      continue;
    bool known = false;
    for (const char *const *cn = CONSTRAINTS; *cn && !known; cn++)
      known = callee_is(w, item, *cn);
    if (!known)
      return false;
  }
  return true;
}

static void class_statement(ol_walker *w, ol_class_fact *c, TSNode stmt) {
  ol_kind k = ol_kind_of(w->sx, stmt);
  if (k == OL_K_function_definition &&
      ol_node_text_is(w, ol_child(w->sx, stmt, OL_F_name), "__init__"))
    ol_walk_note_init_attributes(w, c->name, stmt);
  TSNode fdef = k == OL_K_decorated_definition ? ol_child(w->sx, stmt, OL_F_definition) : stmt;
  if ((k == OL_K_function_definition || k == OL_K_decorated_definition) &&
      ol_node_text_is(w, ol_child(w->sx, fdef, OL_F_name), "__table_args__"))
    c->opaque_indexes = true; /* @declared_attr def __table_args__(cls): computed per class */
  if (k == OL_K_function_definition)
    return member(w, c, stmt);
  if (k == OL_K_decorated_definition) {
    TSNode def = ol_child(w->sx, stmt, OL_F_definition);
    if (ol_kind_of(w->sx, def) == OL_K_function_definition && declared_attr(w, c, stmt, def))
      return;
    return member(w, c, def);
  }
  if (k != OL_K_expression_statement)
    return;
  TSNode a = ts_node_named_child(stmt, 0);
  if (ol_kind_of(w->sx, a) != OL_K_assignment)
    return;
  TSNode left = ol_child(w->sx, a, OL_F_left), right = ol_child(w->sx, a, OL_F_right),
         type = ol_child(w->sx, a, OL_F_type);
  if (ol_kind_of(w->sx, left) != OL_K_identifier)
    return;
  if (!ts_node_is_null(right)) {
    ol_walk_note_class_attribute(w, c->name, left, right);
    class_attribute(w, c, left, right);
  }
  if (ol_node_text_is(w, left, "__abstract__") && ol_kind_of(w->sx, right) == OL_K_true)
    c->abstract = true;
  if (ol_node_text_is(w, left, "__tablename__"))
    c->tablename = string_value(w, right);
  if (ol_node_text_is(w, left, "__table__")) /* a declarative class over a Table */
    read_table(w, c, right);
  if (ol_node_text_is(w, left, "__bind_key__"))
    c->bind_key = string_value(w, right);
  if (callee_is(w, right, "relationship"))
    relationship(w, c, stmt, left, right, type);
  else if (callee_is(w, right, "association_proxy"))
    association_proxy(w, c, stmt, left, right);
  else if (callee_is(w, right, "Column") || callee_is(w, right, "mapped_column")) {
    column(w, c, stmt, left, right, type);
    c->columns[c->n_columns - 1].deferred = kwarg_true(w, right, "deferred");
  } else if ((callee_is(w, right, "deferred") || callee_is(w, right, "column_property")) &&
             (callee_is(w, deferred_inner(w, right), "Column") ||
              callee_is(w, deferred_inner(w, right), "mapped_column"))) {
    /* deferred(Column(...)), column_property(Column(...), deferred=True): a column loaded by a
     * SELECT of its own when first read */
    column(w, c, stmt, left, deferred_inner(w, right), type);
    c->columns[c->n_columns - 1].deferred =
        callee_is(w, right, "deferred") || kwarg_true(w, right, "deferred");
  } else if (count_property(w, c, stmt, left, right)) {
  } else if (ol_node_text_is(w, left, "__table_args__") ||
             !ts_node_is_null(ol_models_index_leading(w, right))) {
    table_args(w, c, right); /* also `ix = Index("ix", col.desc())` in the class body */
    if (ol_node_text_is(w, left, "__table_args__") && !table_args_literal(w, right))
      c->opaque_indexes = true;
  } else if (ts_node_is_null(right) && !ts_node_is_null(type) &&
             uselist_from_annotation(w, type) == 0) {
    /* `id: Mapped[int]` without a value is a column too, unless `__table__` declared it. */
    for (uint32_t i = 0; i < c->n_columns; i++)
      if (ol_node_text_is(w, left, c->columns[i].name))
        return;
    ol_column_fact *col = GROW(c->columns, c->n_columns);
    memset(col, 0, sizeof *col);
    col->name = ol_node_text(w, left);
    col->decl = ol_node_span(stmt);
    col->boolean = is_boolean(w, (TSNode){0}, type);
    col->type_kind = column_kind(w, (TSNode){0}, type);
  }
}

void ol_walk_class(ol_walker *w, TSNode cls) {
  ol_class_fact c = {.name = ol_node_text(w, ol_child(w->sx, cls, OL_F_name)),
                     .line = ts_node_start_point(cls).row + 1};
  TSNode supers = ol_child(w->sx, cls, OL_F_superclasses);
  uint32_t n = ts_node_is_null(supers) ? 0 : ts_node_named_child_count(supers);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(supers, i);
    ol_kind k = ol_kind_of(w->sx, b);
    if (k == OL_K_subscript)
      b = ol_child(w->sx, b, OL_F_value), k = ol_kind_of(w->sx, b);
    if (k != OL_K_identifier && k != OL_K_attribute)
      continue;
    char **base = GROW(c.bases, c.n_bases);
    *base = ol_node_text(w, b);
  }
  TSNode body = ol_child(w->sx, cls, OL_F_body);
  uint32_t m = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < m; i++)
    class_statement(w, &c, ts_node_named_child(body, i));
  ol_vec_push(&w->out->classes, c);
}

/* Column("name", Type, ForeignKey("t.id"), ...) of a Table: a column fact
 * named by its first argument. */
static void table_column(ol_walker *w, ol_class_fact *c, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  TSNode name = ts_node_named_child(args, 0);
  char *s = string_value(w, name);
  if (!s)
    return;
  column(w, c, call, name, call, (TSNode){0});
  ol_column_fact *col = &c->columns[c->n_columns - 1];
  col->name = s;
  col->db_name = NULL;
  if (col->pk) /* the key is the column's name, not its quoted literal */
    c->pk[c->n_pk - 1] = s;
  for (uint32_t i = 0; i + 1 < c->n_columns; i++)
    if (!strcmp(c->columns[i].name, s)) { /* `id: Mapped[str]` above `__table__`: typing only */
      c->columns[i] = *col;
      c->n_columns--;
      break;
    }
}

/* The columns of a `Table("name", metadata, Column("id", ...), ...)` call. */
static void read_table_call(ol_walker *w, ol_class_fact *c, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  c->tablename = string_value(w, ts_node_named_child(args, 0));
  for (uint32_t a = 1; a < ts_node_named_child_count(args); a++) {
    TSNode col = ts_node_named_child(args, a);
    if (callee_is(w, col, "Column"))
      table_column(w, c, col);
    else /* Index("ix", "a", "b"), UniqueConstraint("a"), PrimaryKeyConstraint("a", "b") */
      table_args(w, c, col);
  }
}

/* A table by its module-level name, or a Table(...) call in place. */
static void read_table(ol_walker *w, ol_class_fact *c, TSNode table) {
  table = ol_unwrap(w, table);
  if (callee_is(w, table, "Table"))
    return read_table_call(w, c, table);
  if (ol_kind_of(w->sx, table) != OL_K_identifier)
    return;
  uint64_t h = ol_node_hash(w, table);
  for (size_t i = w->tables.len; i-- > 0;)
    if (w->tables.items[i].hash == h)
      return read_table_call(w, c, w->tables.items[i].call);
}

/* `registry.map_imperatively(Cls, table, properties={"rel": relationship(...)})`
 * and classical `mapper(Cls, table, properties=...)` at module level: a model
 * as the index sees it, named after the class, with the table's columns and
 * the properties' relationships (DESIGN.md "Real code"). */
void ol_walk_imperative_mapping(ol_walker *w, TSNode call) {
  if (!callee_is(w, call, "map_imperatively") && !callee_is(w, call, "mapper"))
    return;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_is_null(args) || ts_node_named_child_count(args) < 2)
    return;
  TSNode cls = ts_node_named_child(args, 0);
  ol_kind ck = ol_kind_of(w->sx, cls);
  if (ck != OL_K_identifier && ck != OL_K_attribute)
    return;
  ol_class_fact c = {
      .name = class_name_of(w, cls), .imperative = true, .line = ts_node_start_point(call).row + 1};
  if (!c.name)
    return;
  read_table(w, &c, ts_node_named_child(args, 1));
  TSNode props = ol_unwrap(w, kwarg(w, call, "properties"));
  uint32_t n = ol_kind_of(w->sx, props) == OL_K_dictionary ? ts_node_named_child_count(props) : 0;
  for (uint32_t i = 0; i < n; i++) {
    TSNode pair = ts_node_named_child(props, i);
    if (ol_kind_of(w->sx, pair) != OL_K_pair)
      continue;
    TSNode key = ol_child(w->sx, pair, OL_F_key),
           value = ol_unwrap(w, ol_child(w->sx, pair, OL_F_value));
    char *name = string_value(w, key);
    if (!name || !(callee_is(w, value, "relationship") || callee_is(w, value, "relation")))
      continue;
    relationship(w, &c, pair, key, value, (TSNode){0});
    c.rels[c.n_rels - 1].name = name;
  }
  ol_vec_push(&w->out->classes, c);
}

/* The class a base's methods come from: `cls=C` of `declarative_base(...)`,
 * NULL when none or not a plain (dotted) name. */
static TSNode base_class_of(ol_walker *w, TSNode call) {
  TSNode c =
      callee_is(w, call, "declarative_base") ? ol_unwrap(w, kwarg(w, call, "cls")) : (TSNode){0};
  ol_kind k = ts_node_is_null(c) ? OL_K_none : ol_kind_of(w->sx, c);
  return k == OL_K_identifier || k == OL_K_attribute ? c : (TSNode){0};
}

/* `Base = declarative_base(cls=C)`, `db = SQLAlchemy(model_class=C)` and
 * `db = SQLAlchemy(model_class=declarative_base(cls=C))` at module level:
 * the models on that base inherit C's methods (ol_file_facts.base_classes). */
static void note_base_class(ol_walker *w, TSNode left, TSNode right) {
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ol_calls_current(w) >= 0 ||
      ol_kind_of(w->sx, right) != OL_K_call)
    return;
  TSNode c = base_class_of(w, right);
  char *base = NULL;
  if (!ts_node_is_null(c)) {
    base = ol_node_text(w, left);
  } else {
    TSNode mc = ol_unwrap(w, kwarg(w, right, "model_class"));
    ol_kind k = ts_node_is_null(mc) ? OL_K_none : ol_kind_of(w->sx, mc);
    c = k == OL_K_identifier || k == OL_K_attribute ? mc
        : k == OL_K_call                            ? base_class_of(w, mc)
                                                    : (TSNode){0};
    if (ts_node_is_null(c))
      return;
    char *model = ol_format("%s.Model", ol_node_text(w, left));
    base = ol_arena_strndup(&w->out->arena, model, strlen(model));
    ol_free(model);
  }
  ol_vec_push(&w->out->base_classes, base);
  ol_vec_push(&w->out->base_classes, ol_node_text(w, c));
}

/* `Base = declarative_base()`, `Base = registry().generate_base()`, and
 * aliases of Flask-SQLAlchemy's base: `BaseModel: DefaultMeta = db.Model`. */
void ol_walk_assignment_base(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left), right = ol_child(w->sx, assign, OL_F_right);
  if (ol_kind_of(w->sx, left) == OL_K_identifier && ol_calls_current(w) < 0 &&
      callee_is(w, right, "Table"))
    ol_vec_push(&w->tables, ((ol_table_binding){ol_node_hash(w, left), right}));
  if (!ts_node_is_null(right))
    note_base_class(w, left, ol_unwrap(w, right));
  bool alias = ol_kind_of(w->sx, right) == OL_K_attribute &&
               ol_node_text_is(w, ol_child(w->sx, right, OL_F_attribute), "Model");
  if (ol_kind_of(w->sx, left) != OL_K_identifier ||
      !(alias || callee_is(w, right, "declarative_base") || callee_is(w, right, "generate_base")))
    return;
  ol_vec_push(&w->out->declarative_bases, ol_node_text(w, left));
}
