/* The Python grammar as ormlint sees it: node kinds and field ids resolved
 * once per language, so the walk compares small integers, never strings. */
#ifndef OL_SYNTAX_H
#define OL_SYNTAX_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#define OL_KINDS(X)                                                                                \
  X(module)                                                                                        \
  X(for_statement)                                                                                 \
  X(while_statement)                                                                               \
  X(list_comprehension)                                                                            \
  X(set_comprehension)                                                                             \
  X(dictionary_comprehension)                                                                      \
  X(generator_expression)                                                                          \
  X(for_in_clause)                                                                                 \
  X(if_clause)                                                                                     \
  X(lambda)                                                                                        \
  X(function_definition)                                                                           \
  X(class_definition)                                                                              \
  X(decorated_definition)                                                                          \
  X(call)                                                                                          \
  X(attribute)                                                                                     \
  X(identifier)                                                                                    \
  X(subscript)                                                                                     \
  X(keyword_argument) X(argument_list) X(assignment) X(augmented_assignment) X(named_expression)   \
      X(parenthesized_expression) X(await) X(comparison_operator) X(list) X(tuple) X(pattern_list) \
          X(tuple_pattern) X(list_pattern) X(expression_statement) X(block) X(with_item) X(        \
              as_pattern) X(as_pattern_target) X(except_clause) X(import_statement)                \
              X(import_from_statement) X(list_splat_pattern) X(string) X(comment) X(               \
                  return_statement) X(dotted_name) X(aliased_import) X(ERROR) X(lambda_parameters) \
                  X(default_parameter) X(typed_parameter) X(typed_default_parameter) X(parameters) \
                      X(decorator) X(async) X(if_statement) X(boolean_operator) X(not_operator)    \
                          X(list_splat) X(dictionary_splat) X(keyword_separator) X(true) X(false)  \
                              X(none) X(integer) X(set) X(dictionary) X(binary_operator)           \
                                  X(unary_operator) X(conditional_expression) X(with_statement) X( \
                                      try_statement) X(global_statement) X(nonlocal_statement)     \
                                      X(type) X(expression_list) X(print_statement)                \
                                          X(exec_statement) X(delete_statement) X(break_statement) \
                                              X(continue_statement) X(raise_statement) X(yield)    \
                                                  X(match_statement) X(else_clause) X(elif_clause) \
                                                      X(pair) X(relative_import) X(import_prefix)  \
                                                          X(dictionary_splat_pattern)              \
                                                              X(wildcard_import) X(float)          \
                                                                  X(finally_clause) X(slice)

typedef enum {
  OL_K_OTHER = 0,
#define X(name) OL_K_##name,
  OL_KINDS(X)
#undef X
      OL_K_COUNT
} ol_kind;

#define OL_FIELDS(X)                                                                               \
  X(left)                                                                                          \
  X(right)                                                                                         \
  X(body)                                                                                          \
  X(alternative)                                                                                   \
  X(condition)                                                                                     \
  X(function)                                                                                      \
  X(arguments)                                                                                     \
  X(object)                                                                                        \
  X(attribute)                                                                                     \
  X(name)                                                                                          \
  X(value)                                                                                         \
  X(parameters)                                                                                    \
  X(superclasses)                                                                                  \
  X(subscript)                                                                                     \
  X(alias) X(definition) X(operators) X(module_name) X(return_type) X(type) X(key) X(consequence)

typedef enum {
  OL_F_NONE = 0,
#define X(name) OL_F_##name,
  OL_FIELDS(X)
#undef X
      OL_F_COUNT
} ol_field;

typedef struct {
  const TSLanguage *lang;
  uint8_t *kind_of_symbol; /* symbol id -> ol_kind */
  uint32_t n_symbols;
  uint8_t *field_of_id; /* field id -> ol_field */
  uint32_t n_field_ids;
  TSFieldId id_of_field[OL_F_COUNT]; /* ol_field -> field id, 0 when the grammar has none */
} ol_syntax;

/* The Python syntax; built on first use, never freed (process lifetime). */
const ol_syntax *ol_syntax_python(void);

/* OL_K_OTHER for a null node (an absent field). */
static inline ol_kind ol_kind_of(const ol_syntax *sx, TSNode n) {
  if (!n.id)
    return OL_K_OTHER;
  TSSymbol s = ts_node_symbol(n);
  return s < sx->n_symbols ? (ol_kind)sx->kind_of_symbol[s] : OL_K_OTHER;
}

static inline ol_field ol_field_of(const ol_syntax *sx, TSFieldId f) {
  return f < sx->n_field_ids ? (ol_field)sx->field_of_id[f] : OL_F_NONE;
}

/* The child of n in field f, or a null node. */
TSNode ol_child(const ol_syntax *sx, TSNode n, ol_field f);
/* Between begin and end, on this thread, ol_child remembers the fields of
 * the nodes of tree it was asked about (one sweep of a node's children
 * answers every field; tree-sitter's lookup scans them per field). The
 * tree must stay alive and unedited until end. */
void ol_child_memo_begin(const TSTree *tree);
void ol_child_memo_end(void);
bool ol_kind_is_comprehension(ol_kind k);

/* A parser for Python, and a parse that tolerates lone CR line endings
 * (Python reads them as newlines; the grammar does not). The tree borrows
 * nothing from bytes. Returns NULL only if the parser gave up (timeout). */
TSParser *ol_parser_new(void);
TSTree *ol_parse(TSParser *p, const char *bytes, uint32_t len);
/* Parses again after ts_tree_edit on old: tree-sitter reuses what the edit left alone. */
TSTree *ol_parse_again(TSParser *p, const TSTree *old, const char *bytes, uint32_t len);
/* Moves c to the next node in preorder: into the current node's children
 * when descend, else past them. Returns false when the walk is over. */
bool ol_cursor_step(TSTreeCursor *c, bool descend);
/* Counts ERROR and MISSING nodes; iterative. */
uint32_t ol_tree_error_count(TSNode root, uint32_t *first_error_byte);
/* The syntax errors of bytes parsed from scratch (fixes are proven with it). */
uint32_t ol_parse_error_count(TSParser *p, const char *bytes, uint32_t len);

#endif
