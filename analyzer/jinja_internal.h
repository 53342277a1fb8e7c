/* Shared by the Jinja scanner's two halves: jinja_lex.c (delimiters,
 * tokens, attribute chains) and jinja.c (statements, names, facts). Not a
 * public header. */
#ifndef OL_JINJA_INTERNAL_H
#define OL_JINJA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { T_END, T_NAME, T_STRING, T_NUMBER, T_PUNCT } tkind;

typedef struct {
  tkind kind;
  uint32_t start, end;
} ol_jinja_token;

typedef struct {
  const char *src;
  uint32_t at, end;
} ol_jinja_lexer;

#define MAX_ATTRS 3

/* `root.a.b(...)`: the root, up to MAX_ATTRS attribute names, and whether
 * each is called with no arguments right after it. */
typedef struct {
  ol_jinja_token root;
  ol_jinja_token attrs[MAX_ATTRS];
  bool empty_call[MAX_ATTRS];
  uint32_t call_end[MAX_ATTRS]; /* attrs[i](...) ends there, 0 when not called */
  size_t n;
  bool called;     /* root(...) */
  uint32_t end;    /* of the chain as read */
  uint32_t args_a; /* root(...): inside the parentheses */
  uint32_t args_b;
} ol_jinja_chain;

/* The next token of lx (T_END at its end); strings are skipped whole. */
ol_jinja_token ol_jinja_token_next(ol_jinja_lexer *lx);
/* Whether t's text is s. */
bool ol_jinja_token_is(const char *src, ol_jinja_token t, const char *s);
/* and, or, not, in, is, if, else, true, false, none (and their capitalised forms). */
bool ol_jinja_token_is_keyword(const char *src, ol_jinja_token t);
/* The end of a bracketed group opened at src[at] ('(' or '['), or end. */
uint32_t ol_jinja_group_end(const char *src, uint32_t at, uint32_t end);
/* The chain that starts at root, read up to end. */
ol_jinja_chain ol_jinja_chain_read(const char *src, ol_jinja_token root, uint32_t end);
/* Whether an iterable's chain yields the rows of its root: nothing more,
 * `.items` (a pagination), `.all()`, a slice, filters that keep rows. */
bool ol_jinja_chain_keeps_rows(const char *src, const ol_jinja_chain *c, uint32_t b);
/* The byte after the `}}`/`%}` closing a tag opened at `open` (c: '}' or
 * '%'), strings skipped; 0 when it never closes. */
uint32_t ol_jinja_tag_close(const char *src, uint32_t len, uint32_t open, char c);
/* After `{% raw %}` at `at`: the byte after its `{% endraw %}`, len when none. */
uint32_t ol_jinja_skip_raw(const char *src, uint32_t len, uint32_t at);

#endif
