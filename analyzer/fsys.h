/* The one door to the file system, so tests can fake a vanished file, a
 * full disk or a file that changes under us (ShellCheck's SystemInterface). */
#ifndef OL_FSYS_H
#define OL_FSYS_H

#include <dirent.h>
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
  /* As replace, without the fsync: for a cache, whose checksum tells a torn
   * write. NULL: replace is used. */
  int (*replace_unsynced)(const char *path, const char *bytes, size_t len, mode_t mode);
  /* mkdir(2); NULL where nothing may be created (then no cache is written). */
  int (*mkdir)(const char *path, mode_t mode);
} ol_fs;

/* The real file system. */
extern const ol_fs ol_fs_posix;

#endif
