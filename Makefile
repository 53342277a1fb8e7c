# ormlint — see README.md. `make demo` and `make test` work on a fresh
# Debian 12 machine as root: `deps` installs whatever is missing first.
include grammars/pins.mk

VERSION   := 0.1.0
PREFIX    ?= /usr/local
B         ?= build
CC        ?= cc
SAN_FLAGS :=
OUR_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wshadow -Werror -D_GNU_SOURCE \
              -DOL_VERSION='"$(VERSION)"' -Ianalyzer -I$(B)/gen $(SAN_FLAGS)
GRAMMAR_CFLAGS := -std=c11 -O2 -g -w $(SAN_FLAGS)
LIBS      := -ltree-sitter -lpcre2-8 -lcjson $(SAN_FLAGS)

DEB_PKGS  := build-essential pkg-config libtree-sitter-dev libpcre2-dev libcjson-dev \
             libcmocka-dev clang libclang-rt-14-dev valgrind python3-flask-sqlalchemy \
             python3-sqlalchemy python3-psycopg2 python3-pytest postgresql pre-commit git time neovim

ENGINE_SRC := $(filter-out analyzer/main.c,$(wildcard analyzer/*.c))
RULE_SRC   := $(wildcard rules/*/check.c)
RULE_DOCS  := $(sort $(wildcard rules/*/doc.md))
OBJ        := $(patsubst %.c,$(B)/obj/%.o,$(ENGINE_SRC) $(RULE_SRC)) $(B)/obj/gen/rule_docs.o
PY_DIR     := $(B)/grammars/python
PY_LIB     := $(B)/grammars/libtree-sitter-python.a
TOML_DIR   := $(B)/grammars/toml
TOML_LIB   := $(B)/grammars/libtree-sitter-toml.a
GRAMMAR_LIBS := $(PY_LIB) $(TOML_LIB)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all deps demo test unit e2e oracle vscode sanitize valgrind install clean bench format
all: $(B)/ormlint

# ---- dependencies -------------------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if ! command -v npm >/dev/null 2>&1; then missing="$$missing nodejs npm"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# ---- grammars -------------------------------------------------------------
$(PY_DIR)/src/parser.c: grammars/pins.mk grammars/fetch.sh
	sh grammars/fetch.sh $(PY_GRAMMAR_PKG) $(PY_GRAMMAR_VERSION) '$(PY_GRAMMAR_INTEGRITY)' $(PY_GRAMMAR_ABI) $(PY_DIR)
	@touch $@

$(PY_LIB): $(PY_DIR)/src/parser.c
	$(CC) $(GRAMMAR_CFLAGS) -I$(PY_DIR)/src -c $(PY_DIR)/src/parser.c -o $(PY_DIR)/parser.o
	$(CC) $(GRAMMAR_CFLAGS) -I$(PY_DIR)/src -c $(PY_DIR)/src/scanner.c -o $(PY_DIR)/scanner.o
	ar rcs $@ $(PY_DIR)/parser.o $(PY_DIR)/scanner.o

$(TOML_DIR)/src/parser.c: grammars/pins.mk grammars/fetch.sh
	sh grammars/fetch.sh $(TOML_GRAMMAR_PKG) $(TOML_GRAMMAR_VERSION) '$(TOML_GRAMMAR_INTEGRITY)' $(TOML_GRAMMAR_ABI) $(TOML_DIR)
	@touch $@

$(TOML_LIB): $(TOML_DIR)/src/parser.c
	$(CC) $(GRAMMAR_CFLAGS) -I$(TOML_DIR)/src -c $(TOML_DIR)/src/parser.c -o $(TOML_DIR)/parser.o
	$(CC) $(GRAMMAR_CFLAGS) -I$(TOML_DIR)/src -c $(TOML_DIR)/src/scanner.c -o $(TOML_DIR)/scanner.o
	ar rcs $@ $(TOML_DIR)/parser.o $(TOML_DIR)/scanner.o

# ---- ormlint --------------------------------------------------------------
$(B)/tools/embed: analyzer/tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Werror $< -o $@

$(B)/gen/rule_docs.c: $(B)/tools/embed $(RULE_DOCS)
	@mkdir -p $(dir $@)
	$(B)/tools/embed $(RULE_DOCS) > $@

$(B)/obj/gen/rule_docs.o: $(B)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	$(CC) $(OUR_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.c $(wildcard analyzer/*.h) | $(B)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(OUR_CFLAGS) -c $< -o $@

$(B)/libormlint.a: $(OBJ)
	@echo "  AR      $@"
	@ar rcs $@ $^

$(B)/ormlint: $(B)/obj/analyzer/main.o $(B)/libormlint.a $(GRAMMAR_LIBS)
	@echo "  LD      $@"
	@$(CC) $^ $(LIBS) -o $@

# ---- tests ----------------------------------------------------------------
$(B)/tests/test_%: tests/unit/test_%.c $(B)/libormlint.a $(GRAMMAR_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(OUR_CFLAGS) -Wno-unused-parameter $^ $(LIBS) -lcmocka -o $@

unit: $(UNIT_BIN)
	@sh tests/run_unit.sh $(UNIT_BIN)

e2e: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) sh tests/e2e/run.sh

oracle: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) B=$(abspath $(B)) sh corpus/oracle/run.sh

# The VS Code extension: npm ci from the lockfile, tsc + esbuild, its tests
# (node --test) and the .vsix, written to $(B).
vscode: deps
	@VSIX_DIR=$(abspath $(B)) sh vscode/build.sh

# Every suite runs (vscode before e2e: the e2e's Node LSP client uses
# vscode-jsonrpc from vscode/node_modules); a summary line per suite, and the
# exit status fails when any suite failed.
TEST_SUITES := unit vscode e2e oracle
test: deps
	@$(MAKE) --no-print-directory all
	@start=$$(date +%s); failed=""; summary=""; \
	for t in $(TEST_SUITES); do \
	  s=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$t; then r=ok; else r=FAILED; failed="$$failed $$t"; fi; \
	  summary="$$summary$$(printf '  %-8s %-6s %4ss' $$t $$r $$(( $$(date +%s) - s )))\n"; \
	done; \
	printf '== make test summary\n%b== total %ss\n' "$$summary" $$(( $$(date +%s) - start )); \
	if [ -n "$$failed" ]; then echo "== FAILED:$$failed"; exit 1; fi

sanitize: deps
	@$(MAKE) --no-print-directory B=build/asan CC=clang \
	  SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  all unit e2e

bench: deps all $(B)/bench-floor $(B)/astgrep/node_modules/.package-lock.json
	@sh tests/bench.sh $(B)/ormlint $(B)/bench-floor $(B)/astgrep/node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep

# The floor (parse + full cursor walk) and ast-grep, pinned by tests/bench/package-lock.json
# (npm ci checks every package's integrity; its install script is not run).
$(B)/bench-floor: tests/bench/floor.c $(B)/libormlint.a $(GRAMMAR_LIBS)
	@echo "  CC      $@"
	@$(CC) $(OUR_CFLAGS) $< $(B)/libormlint.a $(GRAMMAR_LIBS) $(LIBS) -lpthread -o $@

$(B)/astgrep/node_modules/.package-lock.json: tests/bench/package.json tests/bench/package-lock.json
	@mkdir -p $(B)/astgrep && cp tests/bench/package.json tests/bench/package-lock.json $(B)/astgrep/
	@cd $(B)/astgrep && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null

demo: deps all
	@sh tests/demo.sh $(B)/ormlint

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/ormlint $(DESTDIR)$(PREFIX)/bin/ormlint

format:
	clang-format -i analyzer/*.c analyzer/*.h analyzer/tools/*.c rules/*/*.c tests/unit/*.c

clean:
	rm -rf build
