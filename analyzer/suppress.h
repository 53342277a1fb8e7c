/* Suppression comments: `# noqa` and `# noqa: ORM001,ORM002` on any line
 * of the reported expression silence it (ruff's convention). The
 * directives of a file are read once; each records which of its codes
 * silenced something, so an unused one can be reported (ORM100). */
#ifndef OL_SUPPRESS_H
#define OL_SUPPRESS_H

#include <stdbool.h>

#include "alloc.h"
#include "facts.h"
#include "source.h"

#define OL_NOQA_CODES 16

/* One `# noqa` comment. */
typedef struct {
  uint32_t line;   /* 1-based */
  ol_span comment; /* from `#` to the end of the directive's code list */
  ol_span list;    /* the code list after `:`, empty for a bare noqa */
  bool bare;       /* no list: silences every rule on its line */
  bool used_bare;  /* a bare noqa that silenced something */
  uint32_t n_codes;
  struct {
    ol_span at; /* the code's text */
    bool used;  /* it silenced a finding */
  } codes[OL_NOQA_CODES];
} ol_noqa;

typedef struct ol_noqas {
  ol_noqa *items;
  size_t len, cap;
} ol_noqas;

/* Every noqa directive of src, in line order. */
void ol_noqa_scan(const ol_source *src, ol_noqas *out);
/* Whether a directive on lines first..last (1-based) covers code; marks
 * what it used. */
bool ol_noqa_suppresses(const ol_source *src, ol_noqas *noqas, uint32_t first, uint32_t last,
                        const char *code);

/* The line s[0..n) with codes ("ORM001,ORM002") added to its `# noqa:` list
 * or as a new `  # noqa: CODES` at its end; NULL when a bare noqa covers it.
 * Caller frees. */
char *ol_noqa_add_to_line(const char *s, size_t n, const char *codes);
/* The same for a line of a Jinja template: a new directive is a comment
 * of the template, ` {# noqa: CODES #}`. Caller frees. */
char *ol_noqa_add_to_template_line(const char *s, size_t n, const char *codes);

#endif
