/* libFuzzer: the Jinja scanner (analyzer/jinja.c) over one template's
 * bytes: delimiters, strings, raw blocks, nested blocks, macros and their
 * calls, whatever the input holds; the facts are then freed. */
#include <stdint.h>
#include <string.h>

#include "facts.h"
#include "jinja.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > UINT32_MAX)
    return 0;
  ol_file_facts facts;
  memset(&facts, 0, sizeof facts);
  ol_jinja_facts((const char *)data, (uint32_t)size, &facts);
  for (size_t i = 0; i < facts.reads.len; i++) /* every read and macro call belongs to a loop */
    if (facts.reads.items[i].loop < 0 || (size_t)facts.reads.items[i].loop >= facts.loops.len)
      __builtin_trap();
  for (size_t i = 0; i < facts.macro_calls.len; i++)
    if (facts.macro_calls.items[i].loop < 0 ||
        (size_t)facts.macro_calls.items[i].loop >= facts.loops.len)
      __builtin_trap();
  ol_facts_free(&facts);
  return 0;
}
