/* libFuzzer: the pyproject.toml reader ([tool.ormlint] through the
 * tree-sitter TOML grammar, every key's validation, the patterns compiled)
 * over one in-memory file, applied to a config that is then used as the
 * engine would: compiled and freed. */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "pyproject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = ol_strndup((const char *)data, size); /* the loader's buffers end in a NUL */
  ol_config cfg;
  ol_error err = {0};
  bool has_table = false;
  ol_config_init(&cfg);
  if (ol_pyproject_parse("pyproject.toml", "/fuzz", text, size, &cfg, &has_table, &err) == OL_OK &&
      has_table)
    ol_config_compile(&cfg, &err);
  ol_config_free(&cfg);
  ol_free(text);
  return 0;
}
