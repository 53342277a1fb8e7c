/* Jinja templates as facts (DESIGN.md "Real code", templates): the loops of
 * a template and the attributes read on their rows, in the same facts a
 * Python file gives (ol_loop, ol_attr_read), so the rules decide on them
 * with the same index. A template loop over a context name says so
 * (ol_loop.context); the views that render the template bind that name
 * (ol_render_fact), and analyzer/templates.c joins the two. */
#ifndef OL_JINJA_H
#define OL_JINJA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"

/* Whether path (relative to the project root) names a template ormlint
 * reads: a .html/.htm/.jinja/.jinja2/.j2 file under a folder named
 * `templates` (or `<x>_templates`, `<x>-templates`), or under one of dirs (the `template-dirs`
 * setting, folders relative to the root). */
bool ol_jinja_is_template(const char *path, char *const *dirs, size_t n_dirs);
/* Whether a file name has a template's extension. */
bool ol_jinja_has_template_ext(const char *name);
/* Records the facts of the template src[0..len) into out (zeroed by the
 * caller); never fails: an unterminated tag ends the scan and is counted as
 * a parse error at its byte. */
void ol_jinja_facts(const char *src, uint32_t len, ol_file_facts *out);

#endif
