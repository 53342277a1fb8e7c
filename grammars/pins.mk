# Pinned grammars and the tree-sitter runtime: npm package, version, and the
# registry's dist.integrity. `make` fetches each with `npm pack` into build/,
# checks the hash (and a grammar's LANGUAGE_VERSION, which the runtime must
# load), and compiles it to a static library. Nothing here is committed but
# the pins.

# The tree-sitter C runtime (vendor/tree-sitter/lib of the Node binding's
# package: lib.c, the whole library in one unit), built with our flags into
# build/ and linked by every build instead of a system libtree-sitter. 0.25
# loads ABI 13..15; grammars/fetch-runtime.sh checks the grammars' ABIs below.
TS_RUNTIME_PKG       := tree-sitter
TS_RUNTIME_VERSION   := 0.25.1
TS_RUNTIME_INTEGRITY := sha512-mrcEdkYtHfrK1A6fs3O6FxkBo0Qig5XUXqHhxUOQu0bmPo00QF4XaSx4edpazdHwxnSCjlGKGgIqWdaN4dvTLA==

PY_GRAMMAR_PKG       := tree-sitter-python
PY_GRAMMAR_VERSION   := 0.23.6
PY_GRAMMAR_INTEGRITY := sha512-yIM9z0oxKIxT7bAtPOhgoVl6gTXlmlIhue7liFT4oBPF/lha7Ha4dQBS82Av6hMMRZoVnFJI8M6mL+SwWoLD3A==
PY_GRAMMAR_ABI       := 14

# pyproject.toml's [tool.ormlint] (analyzer/pyproject.c). LANGUAGE_VERSION 14,
# checked in the fetched parser.c; it has an external scanner (scanner.c).
TOML_GRAMMAR_PKG       := @tree-sitter-grammars/tree-sitter-toml
TOML_GRAMMAR_VERSION   := 0.7.0
TOML_GRAMMAR_INTEGRITY := sha512-873Kl518Qm5ghbWadISY41rwFjee0v+2bU4twwvAw2VAJcWwj2vBo3F3hOCXfbqHaFiqc4qh6eLhkMl2YZJS0g==
TOML_GRAMMAR_ABI       := 14
