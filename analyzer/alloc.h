/* One allocation path for ormlint: wrappers that abort with a message on
 * out-of-memory (the only failure the engine does not turn into a value),
 * a growable array, and a bump arena for per-file work. */
#ifndef OL_ALLOC_H
#define OL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *ol_malloc(size_t size);
void *ol_calloc(size_t count, size_t size);
void *ol_realloc(void *ptr, size_t size);
/* Returns a copy the caller frees with ol_free. NULL stays NULL. */
char *ol_strdup(const char *s);
/* Returns a NUL-terminated copy of len bytes the caller frees. */
char *ol_strndup(const char *s, size_t len);
/* printf into a new string the caller frees. */
char *ol_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ol_free(void *ptr);
/* The process's heap on 2 MiB pages where the kernel gives them (a hint,
 * MADV_HUGEPAGE): its first `room` bytes, and blocks up to 4 MiB taken from
 * it. A warm run touches a few megabytes of fresh memory, and a fault per
 * 4 KiB page (tens of microseconds each on a virtual machine) was most of
 * its time. Call once, first thing, before any thread. */
void ol_heap_large_pages(size_t room);
/* From now on the threads allocate in the heap of the main thread (glibc's
 * one arena: its large pages), not in arenas of their own. Before any
 * thread is started. */
void ol_heap_one_arena(void);

/* Growable array: struct { T *items; size_t len, cap; }. */
#define OL_VEC(T)                                                                                  \
  struct {                                                                                         \
    T *items;                                                                                      \
    size_t len, cap;                                                                               \
  }
#define ol_vec_grow(v, n)                                                                          \
  ol_vec_reserve_((void **)&(v)->items, &(v)->cap, (v)->len + (n), sizeof(*(v)->items))
#define ol_vec_push(v, x)                                                                          \
  do {                                                                                             \
    ol_vec_grow(v, 1);                                                                             \
    (v)->items[(v)->len++] = (x);                                                                  \
  } while (0)
#define ol_vec_free(v)                                                                             \
  do {                                                                                             \
    ol_free((v)->items);                                                                           \
    (v)->items = NULL;                                                                             \
    (v)->len = (v)->cap = 0;                                                                       \
  } while (0)
/* Room for exactly n items in all (a vector whose size is known). */
#define ol_vec_reserve_exact(v, n)                                                                 \
  ol_vec_exact_((void **)&(v)->items, &(v)->cap, (n), sizeof(*(v)->items))
void ol_vec_exact_(void **items, size_t *cap, size_t n, size_t elem);
/* Gives back the slack of a vector that will not grow again. */
#define ol_vec_shrink(v)                                                                           \
  ol_vec_shrink_((void **)&(v)->items, &(v)->cap, (v)->len, sizeof(*(v)->items))
void ol_vec_reserve_(void **items, size_t *cap, size_t need, size_t elem);
void ol_vec_shrink_(void **items, size_t *cap, size_t len, size_t elem);

/* A growable string buffer; s is always NUL-terminated once anything was added. */
typedef struct {
  char *s;
  size_t len, cap;
} ol_buf;
void ol_buf_add(ol_buf *b, const char *s, size_t len);
void ol_buf_puts(ol_buf *b, const char *s);
void ol_buf_printf(ol_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ol_buf_putc(ol_buf *b, char c);
/* Hands the string to the caller (who frees it) and resets the buffer. Never NULL. */
char *ol_buf_take(ol_buf *b);
void ol_buf_free(ol_buf *b);

/* Bump arena: everything allocated from it is freed by one ol_arena_free. */
typedef struct ol_arena_block ol_arena_block;
typedef struct {
  ol_arena_block *head;
} ol_arena;
void *ol_arena_alloc(ol_arena *a, size_t size);
char *ol_arena_strndup(ol_arena *a, const char *s, size_t len);
void ol_arena_free(ol_arena *a);
/* Bytes the arena holds (its blocks). */
size_t ol_arena_bytes(const ol_arena *a);

#endif
