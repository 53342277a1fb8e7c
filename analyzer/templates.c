/* Views and templates joined: a template's loop over a context name holds
 * the rows a view binds that name to in `render_template("name.html",
 * name=<rows>)` (analyzer/render.c), matched by the template's path under
 * a templates folder. */
#include <string.h>

#include "index.h"

/* Whether the template at path is the one `name` loads: path ends with
 * "/name" (a templates folder of the app or of a blueprint), or is name. */
static bool names_template(const char *path, const char *name) {
  size_t p = strlen(path), n = strlen(name);
  if (!n || n > p || strcmp(path + p - n, name) != 0)
    return false;
  return p == n || path[p - n - 1] == '/';
}

bool ol_index_template_binding(const ol_index *ix, uint32_t file, const char *name,
                               ol_template_binding *out) {
  const char *path = ix->files.items[file].path;
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *x = ix->files.items[f].facts;
    for (size_t r = 0; x && r < x->renders.len; r++) {
      const ol_render_fact *rf = &x->renders.items[r];
      if (!names_template(path, rf->template))
        continue;
      for (uint32_t a = 0; a < rf->n_args; a++) {
        const ol_render_arg *arg = &x->render_args.items[rf->first_arg + a];
        if (strcmp(arg->name, name) != 0 || !arg->has_rows || !ol_index_model(ix, arg->rows.entity))
          continue;
        *out = (ol_template_binding){.file = f, .render = rf, .arg = arg};
        return true;
      }
    }
  }
  return false;
}

int ol_index_template_root(const ol_index *ix, uint32_t file, int loop) {
  const ol_file_facts *f = ix->files.items[file].facts;
  for (int depth = 0; loop >= 0 && depth < 64; depth++) {
    const ol_loop *l = &f->loops.items[loop];
    if (l->context)
      return loop;
    loop = l->rows_parent;
  }
  return -1;
}
