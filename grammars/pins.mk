# Pinned grammars: npm package, version, and the registry's dist.integrity.
# `make` fetches each with `npm pack` into build/grammars/, checks the hash and
# the parser's LANGUAGE_VERSION (14: what Debian's libtree-sitter 0.20.7 loads),
# and compiles it to a static library. Nothing here is committed but the pins.
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
