/* The one door to the file system, so tests can fake a vanished file, a
 * full disk or a file that changes under us (ShellCheck's SystemInterface). */
#ifndef OL_FSYS_H
#define OL_FSYS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

typedef struct ol_fs {
  int (*lstat)(const char *path, struct stat *st);
  int (*stat)(const char *path, struct stat *st);
  /* Reads a whole regular file of at most limit bytes without blocking on a
   * FIFO. Returns 0, or an errno value (EINVAL: not a regular file, EFBIG:
   * over the limit). On success *bytes (caller frees with ol_free) holds len
   * bytes plus a NUL, and *st the file's identity. */
  int (*read_all)(const char *path, size_t limit, char **bytes, size_t *len, struct stat *st);
  /* Writes bytes to a temporary file beside path and renames it over path,
   * keeping mode. Returns 0 or an errno value; path is untouched on error. */
  int (*replace)(const char *path, const char *bytes, size_t len, mode_t mode);
  DIR *(*opendir)(const char *path);
  /* mkdir(2); NULL where nothing may be created (then no cache is used). */
  int (*mkdir)(const char *path, mode_t mode);
  /* The path with every symbolic link resolved (caller frees with ol_free),
   * NULL with errno set. NULL: links are not resolved, and the checks that
   * keep discovery and fixes inside the project are not made. */
  char *(*real_path)(const char *path);
  /* The cache's directory name under root as a file descriptor, opened
   * without following a link (O_NOFOLLOW), created (mode 0700) when create
   * and missing. Returns the descriptor, or -1 with *why (static) saying why
   * it is not used: not a directory, a symbolic link, another user's. NULL:
   * no cache. */
  int (*cache_dir)(const char *root, const char *name, bool create, const char **why);
  /* As read_all, for name in the directory dirfd, not following a link. */
  int (*read_at)(int dirfd, const char *name, size_t limit, char **bytes, size_t *len);
  /* As read_at, the file mapped read-only instead of copied (a warm run
   * reads megabytes of cache and uses them once): *bytes is released with
   * munmap(*bytes, *len), and NULL when the file is empty. NULL: read_at
   * is used (a fake file system). The cache is written only by renaming a
   * new file over it, so a mapping never sees its file change. */
  int (*map_at)(int dirfd, const char *name, size_t limit, const char **bytes, size_t *len);
  /* Writes name in dirfd whole (a temporary file renamed over it, neither
   * following a link; no fsync: the cache's checksum tells a torn write).
   * Returns 0 or an errno value. */
  int (*replace_at)(int dirfd, const char *name, const char *bytes, size_t len, mode_t mode);
} ol_fs;

/* The real file system. */
extern const ol_fs ol_fs_posix;

#endif
