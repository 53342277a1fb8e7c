/* Resolves grammar symbols and fields to ol_kind / ol_field; parsing. */
#include "syntax.h"

#include <pthread.h>
#include <string.h>

#include "alloc.h"

const TSLanguage *tree_sitter_python(void);

static ol_syntax python;
static pthread_once_t python_once = PTHREAD_ONCE_INIT;

static const char *const kind_names[] = {"",
#define X(name) #name,
                                         OL_KINDS(X)
#undef X
};

static const char *const field_names[] = {"",
#define X(name) #name,
                                          OL_FIELDS(X)
#undef X
};

static void build_python(void) {
  const TSLanguage *lang = tree_sitter_python();
  python.lang = lang;
  python.n_symbols = ts_language_symbol_count(lang);
  python.kind_of_symbol = ol_calloc(python.n_symbols, 1);
  for (uint32_t s = 0; s < python.n_symbols; s++) {
    const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
    if (!name)
      continue;
    for (int k = 1; k < OL_K_COUNT; k++)
      if (strcmp(name, kind_names[k]) == 0)
        python.kind_of_symbol[s] = (uint8_t)k;
  }
  /* "ERROR" is the builtin error symbol (65535), map it through the name table too. */
  python.n_field_ids = ts_language_field_count(lang) + 1;
  python.field_of_id = ol_calloc(python.n_field_ids, 1);
  for (int f = 1; f < OL_F_COUNT; f++) {
    TSFieldId id =
        ts_language_field_id_for_name(lang, field_names[f], (uint32_t)strlen(field_names[f]));
    if (id && id < python.n_field_ids) {
      python.field_of_id[id] = (uint8_t)f;
      python.id_of_field[f] = id;
    }
  }
}

const ol_syntax *ol_syntax_python(void) {
  pthread_once(&python_once, build_python);
  return &python;
}

/* The field memo: a direct-mapped table of nodes (by subtree id) and the
 * first child of each field they have. A node with more fields than a slot
 * holds is looked up directly. */
enum { MEMO_SLOTS = 256, MEMO_FIELDS = 6 };
typedef struct {
  const void *id;
  uint32_t start; /* with id: the same subtree at another place is another node */
  uint8_t n;      /* fields found; MEMO_FIELDS + 1: too many, not memoized */
  uint8_t field[MEMO_FIELDS];
  TSNode child[MEMO_FIELDS];
} memo_slot;

typedef struct {
  const TSTree *tree;
  memo_slot *slots;
  TSTreeCursor cursor;
  bool have_cursor;
} field_memo;

static _Thread_local field_memo memo;

void ol_child_memo_begin(const TSTree *tree) {
  if (!memo.slots)
    memo.slots = ol_calloc(MEMO_SLOTS, sizeof *memo.slots);
  else
    memset(memo.slots, 0, MEMO_SLOTS * sizeof *memo.slots);
  memo.tree = tree;
}

void ol_child_memo_end(void) {
  memo.tree = NULL;
  ol_free(memo.slots);
  memo.slots = NULL;
  if (memo.have_cursor)
    ts_tree_cursor_delete(&memo.cursor);
  memo.have_cursor = false;
}

static const memo_slot *memo_fill(const ol_syntax *sx, TSNode n) {
  uintptr_t h = (uintptr_t)n.id ^ ((uintptr_t)n.id >> 11) ^ ts_node_start_byte(n);
  memo_slot *m = &memo.slots[(h >> 3) & (MEMO_SLOTS - 1)];
  if (m->id == n.id && m->start == ts_node_start_byte(n))
    return m;
  m->id = n.id;
  m->start = ts_node_start_byte(n);
  m->n = 0;
  if (!memo.have_cursor) {
    memo.cursor = ts_tree_cursor_new(n);
    memo.have_cursor = true;
  } else {
    ts_tree_cursor_reset(&memo.cursor, n);
  }
  if (!ts_tree_cursor_goto_first_child(&memo.cursor))
    return m;
  do {
    ol_field f = ol_field_of(sx, ts_tree_cursor_current_field_id(&memo.cursor));
    if (f == OL_F_NONE)
      continue;
    bool seen = false;
    for (uint8_t i = 0; i < m->n && !seen; i++)
      seen = m->field[i] == f;
    if (seen)
      continue;
    if (m->n == MEMO_FIELDS) {
      m->n = MEMO_FIELDS + 1;
      break;
    }
    m->field[m->n] = (uint8_t)f;
    m->child[m->n++] = ts_tree_cursor_current_node(&memo.cursor);
  } while (ts_tree_cursor_goto_next_sibling(&memo.cursor));
  return m;
}

TSNode ol_child(const ol_syntax *sx, TSNode n, ol_field f) {
  TSFieldId id = sx->id_of_field[f];
  if (!id || !n.id)
    return (TSNode){0};
  if (!memo.tree || n.tree != memo.tree)
    return ts_node_child_by_field_id(n, id);
  const memo_slot *m = memo_fill(sx, n);
  if (m->n > MEMO_FIELDS)
    return ts_node_child_by_field_id(n, id);
  for (uint8_t i = 0; i < m->n; i++)
    if (m->field[i] == f)
      return m->child[i];
  return (TSNode){0};
}

bool ol_kind_is_comprehension(ol_kind k) {
  return k == OL_K_list_comprehension || k == OL_K_set_comprehension ||
         k == OL_K_dictionary_comprehension || k == OL_K_generator_expression;
}

TSParser *ol_parser_new(void) {
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, ol_syntax_python()->lang);
  return p;
}

TSTree *ol_parse(TSParser *p, const char *bytes, uint32_t len) {
  return ol_parse_again(p, NULL, bytes, len);
}

TSTree *ol_parse_again(TSParser *p, const TSTree *old, const char *bytes, uint32_t len) {
  /* A new external scanner for every parse: the Python grammar's does not
   * reset its f-string flag when a parse starts, so after a file ending in an
   * unterminated f-string the next file would parse differently (and the
   * output depend on which file a thread parsed before). */
  ts_parser_set_language(p, ts_parser_language(p));
  const char *cr = memchr(bytes, '\r', len);
  if (!cr)
    return ts_parser_parse_string(p, old, bytes, len);
  /* Lone CRs become LFs in a same-length copy, so byte offsets stay valid. */
  char *copy = ol_malloc(len + 1);
  memcpy(copy, bytes, len);
  for (uint32_t i = (uint32_t)(cr - bytes); i < len; i++)
    if (copy[i] == '\r' && (i + 1 >= len || copy[i + 1] != '\n'))
      copy[i] = '\n';
  TSTree *t = ts_parser_parse_string(p, old, copy, len);
  ol_free(copy);
  return t;
}

uint32_t ol_tree_error_count(TSNode root, uint32_t *first_error_byte) {
  uint32_t count = 0;
  if (first_error_byte)
    *first_error_byte = UINT32_MAX;
  if (!ts_node_has_error(root))
    return 0;
  TSTreeCursor c = ts_tree_cursor_new(root);
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    bool bad = ts_node_symbol(n) == (TSSymbol)-1 || ts_node_is_missing(n); /* ERROR, MISSING */
    if (bad) {
      count++;
      if (first_error_byte && ts_node_start_byte(n) < *first_error_byte)
        *first_error_byte = ts_node_start_byte(n);
    }
    if (!ol_cursor_step(&c, !bad && ts_node_has_error(n))) {
      ts_tree_cursor_delete(&c);
      return count;
    }
  }
}

bool ol_cursor_step(TSTreeCursor *c, bool descend) {
  if (descend && ts_tree_cursor_goto_first_child(c))
    return true;
  while (!ts_tree_cursor_goto_next_sibling(c))
    if (!ts_tree_cursor_goto_parent(c))
      return false;
  return true;
}

uint32_t ol_parse_error_count(TSParser *p, const char *bytes, uint32_t len) {
  TSTree *t = ol_parse(p, bytes, len);
  uint32_t n = ol_tree_error_count(ts_tree_root_node(t), NULL);
  ts_tree_delete(t);
  return n;
}
