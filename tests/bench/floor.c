/* make bench's floor: what any tree-sitter tool pays on a tree — read each
 * file, parse it, visit every node with a cursor — on N threads, for the
 * ratio ormlint / floor. File names come on standard input, one a line. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "syntax.h"

typedef struct {
  char **files;
  size_t n;
  atomic_size_t next;
  atomic_ullong nodes;
} job;

static char *slurp(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  rewind(f);
  char *b = ol_malloc((size_t)*len + 1);
  *len = (long)fread(b, 1, (size_t)*len, f);
  fclose(f);
  return b;
}

static void *worker(void *arg) {
  job *j = arg;
  TSParser *p = ol_parser_new();
  unsigned long long nodes = 0;
  for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) {
    long len;
    char *src = slurp(j->files[i], &len);
    if (!src)
      continue;
    TSTree *t = ol_parse(p, src, (uint32_t)len);
    TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(t));
    for (bool down = true;;) {
      nodes++;
      if (down && ts_tree_cursor_goto_first_child(&c))
        continue;
      while (!ts_tree_cursor_goto_next_sibling(&c))
        if (!ts_tree_cursor_goto_parent(&c))
          goto done;
      down = true;
    }
  done:
    ts_tree_cursor_delete(&c);
    ts_tree_delete(t);
    ol_free(src);
  }
  atomic_fetch_add(&j->nodes, nodes);
  ts_parser_delete(p);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  job j = {0};
  char line[4096];
  size_t cap = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    if (j.n == cap)
      j.files = ol_realloc(j.files, (cap = cap ? cap * 2 : 1024) * sizeof(char *));
    j.files[j.n++] = ol_strdup(line);
  }
  pthread_t t[64];
  int n = threads < 1 ? 1 : threads > 64 ? 64 : threads;
  for (int i = 0; i < n; i++)
    pthread_create(&t[i], NULL, worker, &j);
  for (int i = 0; i < n; i++)
    pthread_join(t[i], NULL);
  printf("%zu files, %llu nodes\n", j.n, (unsigned long long)atomic_load(&j.nodes));
  return 0;
}
