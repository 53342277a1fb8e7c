/* Allocation wrappers, growable arrays and string buffers, arenas. */
#include "alloc.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *check(void *p, size_t size) {
  if (!p && size) {
    fprintf(stderr, "ormlint: out of memory (%zu bytes)\n", size);
    abort();
  }
  return p;
}

void *ol_malloc(size_t size) { return check(malloc(size ? size : 1), size); }
void *ol_calloc(size_t count, size_t size) {
  return check(calloc(count ? count : 1, size ? size : 1), count * size);
}
void *ol_realloc(void *ptr, size_t size) { return check(realloc(ptr, size ? size : 1), size); }
void ol_free(void *ptr) { free(ptr); }

char *ol_strdup(const char *s) { return s ? ol_strndup(s, strlen(s)) : NULL; }

char *ol_strndup(const char *s, size_t len) {
  char *d = ol_malloc(len + 1);
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

static char *vformat(const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  char *s = ol_malloc((size_t)(n < 0 ? 0 : n) + 1);
  vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
  return s;
}

char *ol_format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

void ol_vec_reserve_(void **items, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return;
  size_t n = *cap ? *cap * 2 : 8;
  while (n < need)
    n *= 2;
  *items = ol_realloc(*items, n * elem);
  *cap = n;
}

void ol_vec_exact_(void **items, size_t *cap, size_t n, size_t elem) {
  if (n <= *cap)
    return;
  *items = ol_realloc(*items, n * elem);
  *cap = n;
}

void ol_vec_shrink_(void **items, size_t *cap, size_t len, size_t elem) {
  if (len == *cap)
    return;
  if (!len) {
    ol_free(*items);
    *items = NULL;
  } else {
    *items = ol_realloc(*items, len * elem);
  }
  *cap = len;
}

void ol_buf_add(ol_buf *b, const char *s, size_t len) {
  if (b->len + len + 1 > b->cap) {
    size_t n = b->cap ? b->cap * 2 : 64;
    while (n < b->len + len + 1)
      n *= 2;
    b->s = ol_realloc(b->s, n);
    b->cap = n;
  }
  if (len)
    memcpy(b->s + b->len, s, len);
  b->len += len;
  b->s[b->len] = '\0';
}

void ol_buf_puts(ol_buf *b, const char *s) { ol_buf_add(b, s, strlen(s)); }
void ol_buf_putc(ol_buf *b, char c) { ol_buf_add(b, &c, 1); }

void ol_buf_printf(ol_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  ol_buf_puts(b, s);
  free(s);
}

char *ol_buf_take(ol_buf *b) {
  char *s = b->s ? b->s : ol_strdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void ol_buf_free(ol_buf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

struct ol_arena_block {
  ol_arena_block *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
};

void *ol_arena_alloc(ol_arena *a, size_t size) {
  size = (size + 15) & ~(size_t)15;
  ol_arena_block *h = a->head;
  if (!h || h->used + size > h->size) {
    /* Small first blocks: most files keep only a few facts. */
    size_t cap = h ? (h->size < 65536 ? h->size * 2 : 65536) : 1024;
    if (cap < size)
      cap = size;
    h = ol_malloc(sizeof(*h) + cap);
    h->next = a->head;
    h->used = 0;
    h->size = cap;
    a->head = h;
  }
  void *p = h->data + h->used;
  h->used += size;
  return p;
}

char *ol_arena_strndup(ol_arena *a, const char *s, size_t len) {
  char *d = ol_arena_alloc(a, len + 1);
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

void ol_arena_free(ol_arena *a) {
  while (a->head) {
    ol_arena_block *n = a->head->next;
    free(a->head);
    a->head = n;
  }
}

size_t ol_arena_bytes(const ol_arena *a) {
  size_t n = 0;
  for (const ol_arena_block *b = a->head; b; b = b->next)
    n += b->size;
  return n;
}

#define LARGE_PAGE ((uintptr_t)2 << 20)

void ol_heap_large_pages(size_t room) {
#if defined(MADV_HUGEPAGE) && defined(M_TOP_PAD) && defined(__GLIBC__)
  if (room > (size_t)1 << 30)
    room = (size_t)1 << 30;
  mallopt(M_TOP_PAD, (int)room);        /* the heap's first growth reserves room */
  mallopt(M_TRIM_THRESHOLD, (int)room); /* not given back block by block (malloc_trim does) */
  mallopt(M_MMAP_THRESHOLD, 4 << 20);   /* the vectors of the index: in the heap */
  void *p = malloc(1);
  if (!p)
    return;
  uintptr_t lo = ((uintptr_t)p + LARGE_PAGE - 1) & ~(LARGE_PAGE - 1);
  uintptr_t hi = (uintptr_t)sbrk(0) & ~(LARGE_PAGE - 1);
  if (hi > lo)
    madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
  free(p);
#else
  (void)room;
#endif
}

void ol_heap_one_arena(void) {
#if defined(M_ARENA_MAX) && defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 1);
#endif
}
