/* Views and templates joined: a template's loop over a context name holds
 * the rows a view binds that name to in `render_template("name.html",
 * name=<rows>)` (analyzer/render.c), matched by the template's path under
 * a templates folder. */
#include <string.h>

#include "index.h"

/* Whether the template at path is the one `name` loads: path is
 * "<...>templates/name" (the templates folder of the app or of a
 * blueprint), or, for a template outside any `templates` folder (one of
 * `template-dirs`), ends with "/name". */
static bool names_template(const char *path, const char *name) {
  size_t p = strlen(path), n = strlen(name);
  if (!n || n > p || strcmp(path + p - n, name) != 0)
    return false;
  if (p == n)
    return true;
  if (path[p - n - 1] != '/')
    return false;
  if (p - n >= 10 && !memcmp(path + p - n - 10, "templates/", 10))
    return true;
  for (const char *t = path; (t = strstr(t, "templates/")); t++)
    if (t == path || t[-1] == '/' || t[-1] == '_' || t[-1] == '-')
      return false; /* under a templates folder, but not at its top */
  return true;
}

#define MAX_HOPS 4 /* include / extends steps from the template a view renders */

/* Folders between a and b: up from a to the directory they share, then down to b. */
static size_t distance(const char *a, const char *b) {
  size_t shared = 0, n = 0;
  for (size_t i = 0; a[i] && a[i] == b[i]; i++)
    if (a[i] == '/')
      shared = i + 1;
  for (const char *p = a + shared; *p; p++)
    n += *p == '/';
  for (const char *p = b + shared; *p; p++)
    n += *p == '/';
  return n;
}

/* Whether template `file` is the one `name`, rendered from `from`, loads:
 * of the templates that name fits (an app and a blueprint may both have an
 * index.html), the one nearest the rendering file; the first in path
 * order among equals. */
static bool loads(const ol_index *ix, uint32_t file, const char *name, uint32_t from) {
  const char *path = ix->files.items[file].path, *origin = ix->files.items[from].path;
  if (!names_template(path, name))
    return false;
  size_t mine = distance(path, origin);
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *x = ix->files.items[f].facts;
    if (f == file || !x || !x->template || !names_template(ix->files.items[f].path, name))
      continue;
    size_t other = distance(ix->files.items[f].path, origin);
    if (other < mine || (other == mine && f < file))
      return false;
  }
  return true;
}

static bool binding(const ol_index *ix, uint32_t file, const char *name, int hops,
                    ol_template_binding *out) {
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *x = ix->files.items[f].facts;
    for (size_t r = 0; x && r < x->renders.len; r++) {
      const ol_render_fact *rf = &x->renders.items[r];
      if (!loads(ix, file, rf->template, f))
        continue;
      if (x->template) { /* included or extended by f: f's context is its context */
        if (f != file && hops < MAX_HOPS && binding(ix, f, name, hops + 1, out))
          return true;
        continue;
      }
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

int32_t ol_index_template_file(const ol_index *ix, const char *name, uint32_t from) {
  for (uint32_t f = 0; f < ix->files.len; f++)
    if (ix->files.items[f].facts && ix->files.items[f].facts->template && loads(ix, f, name, from))
      return (int32_t)f;
  return -1;
}

bool ol_index_template_macro(const ol_index *ix, uint32_t file, const char *callee,
                             uint32_t *macro_file, const char **macro) {
  const ol_file_facts *f = ix->files.items[file].facts;
  const char *dot = strchr(callee, '.');
  size_t local = dot ? (size_t)(dot - callee) : strlen(callee);
  for (size_t i = 0; i < f->template_imports.len; i++) {
    const ol_template_import *imp = &f->template_imports.items[i];
    if (strlen(imp->local) != local || strncmp(imp->local, callee, local) != 0 ||
        (dot != NULL) != (imp->name == NULL))
      continue;
    int32_t m = ol_index_template_file(ix, imp->template, file);
    if (m < 0)
      return false;
    *macro_file = (uint32_t)m;
    *macro = dot ? dot + 1 : imp->name;
    return true;
  }
  return false;
}

bool ol_index_template_binding(const ol_index *ix, uint32_t file, const char *name,
                               ol_template_binding *out) {
  return binding(ix, file, name, 0, out);
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

bool ol_index_is_reference_table(const ol_index *ix, const char *model) {
  const ol_model *m = ol_index_model(ix, model);
  if (!m || !m->cls || m->cls->n_columns > 3)
    return false;
  bool named = false;
  for (size_t i = 0; i < m->cls->n_columns; i++) {
    const ol_column_fact *c = &m->cls->columns[i];
    if (c->fk_table || c->fk_class)
      return false;
    named |= !c->pk && c->indexed;
  }
  for (size_t i = 0; i < m->cls->n_rels; i++)
    if (m->cls->rels[i].uselist == 0)
      return false; /* it points to other rows itself */
  return named;
}
