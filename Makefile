# ormlint — see README.md. `make demo` and `make test` work on a fresh
# Debian 12 machine as root: `deps` installs whatever is missing first.
include grammars/pins.mk

VERSION   := 0.1.0
PREFIX    ?= /usr/local
B         ?= build
CC        ?= cc
SAN_FLAGS :=
# Grammar and runtime sources are fetched once into build/grammars and
# build/tree-sitter and shared by every build variant ($(B) = build,
# build/asan, build/fuzz/lib); objects go to $(B).
GSRC       ?= build/grammars
TS_DIR     ?= build/tree-sitter
OUR_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wshadow -Werror -D_GNU_SOURCE \
              -DOL_VERSION='"$(VERSION)"' -Ianalyzer -I$(B)/gen -I$(TS_DIR)/lib/include $(SAN_FLAGS)
GRAMMAR_CFLAGS := -std=c11 -O2 -g -w $(SAN_FLAGS)
RUNTIME_CFLAGS := -std=c11 -O2 -g -w -D_POSIX_C_SOURCE=200112L -D_DEFAULT_SOURCE \
                  -I$(TS_DIR)/lib/src -I$(TS_DIR)/lib/include $(SAN_FLAGS)
LIBS      := -lpcre2-8 -lcjson $(SAN_FLAGS)

DEB_PKGS  := build-essential pkg-config libpcre2-dev libcjson-dev \
             libcmocka-dev clang libclang-rt-14-dev valgrind python3-flask-sqlalchemy \
             python3-sqlalchemy python3-psycopg2 python3-pytest postgresql pre-commit git time neovim

ENGINE_SRC := $(filter-out analyzer/main.c,$(wildcard analyzer/*.c))
RULE_SRC   := $(wildcard rules/*/check.c)
RULE_DOCS  := $(sort $(wildcard rules/*/doc.md))
OBJ        := $(patsubst %.c,$(B)/obj/%.o,$(ENGINE_SRC) $(RULE_SRC)) $(B)/obj/gen/rule_docs.o
PY_DIR     := $(GSRC)/python
PY_LIB     := $(B)/grammars/libtree-sitter-python.a
TOML_DIR   := $(GSRC)/toml
TOML_LIB   := $(B)/grammars/libtree-sitter-toml.a
TS_LIB     := $(B)/tree-sitter/libtree-sitter.a
# what every program links after libormlint.a, in this order
GRAMMAR_LIBS := $(PY_LIB) $(TOML_LIB) $(TS_LIB)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

.PHONY: all deps demo test unit e2e oracle realworld-fixes vscode sanitize valgrind install clean bench format \
        fuzz fuzz-build fuzz-replay realworld
all: $(B)/ormlint $(B)/notices.ok

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

# ---- the tree-sitter runtime and the grammars -----------------------------
$(TS_DIR)/lib/src/lib.c: grammars/pins.mk grammars/fetch-runtime.sh grammars/npm-pack.sh
	sh grammars/fetch-runtime.sh $(TS_RUNTIME_PKG) $(TS_RUNTIME_VERSION) '$(TS_RUNTIME_INTEGRITY)' \
	  '$(PY_GRAMMAR_ABI) $(TOML_GRAMMAR_ABI)' $(TS_DIR)
	@touch $@

$(TS_LIB): $(TS_DIR)/lib/src/lib.c
	@mkdir -p $(dir $@)
	$(CC) $(RUNTIME_CFLAGS) -c $(TS_DIR)/lib/src/lib.c -o $(B)/tree-sitter/lib.o
	ar rcs $@ $(B)/tree-sitter/lib.o

$(PY_DIR)/src/parser.c: grammars/pins.mk grammars/fetch.sh grammars/npm-pack.sh
	sh grammars/fetch.sh $(PY_GRAMMAR_PKG) $(PY_GRAMMAR_VERSION) '$(PY_GRAMMAR_INTEGRITY)' $(PY_GRAMMAR_ABI) $(PY_DIR)
	@touch $@

$(PY_LIB): $(PY_DIR)/src/parser.c
	@mkdir -p $(B)/grammars/python
	$(CC) $(GRAMMAR_CFLAGS) -I$(PY_DIR)/src -c $(PY_DIR)/src/parser.c -o $(B)/grammars/python/parser.o
	$(CC) $(GRAMMAR_CFLAGS) -I$(PY_DIR)/src -c $(PY_DIR)/src/scanner.c -o $(B)/grammars/python/scanner.o
	ar rcs $@ $(B)/grammars/python/parser.o $(B)/grammars/python/scanner.o

$(TOML_DIR)/src/parser.c: grammars/pins.mk grammars/fetch.sh grammars/npm-pack.sh
	sh grammars/fetch.sh $(TOML_GRAMMAR_PKG) $(TOML_GRAMMAR_VERSION) '$(TOML_GRAMMAR_INTEGRITY)' $(TOML_GRAMMAR_ABI) $(TOML_DIR)
	@touch $@

$(TOML_LIB): $(TOML_DIR)/src/parser.c
	@mkdir -p $(B)/grammars/toml
	$(CC) $(GRAMMAR_CFLAGS) -I$(TOML_DIR)/src -c $(TOML_DIR)/src/parser.c -o $(B)/grammars/toml/parser.o
	$(CC) $(GRAMMAR_CFLAGS) -I$(TOML_DIR)/src -c $(TOML_DIR)/src/scanner.c -o $(B)/grammars/toml/scanner.o
	ar rcs $@ $(B)/grammars/toml/parser.o $(B)/grammars/toml/scanner.o

# ---- ormlint --------------------------------------------------------------
$(B)/tools/embed: analyzer/tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Werror $< -o $@

$(B)/gen/rule_docs.c: $(B)/tools/embed $(RULE_DOCS)
	@mkdir -p $(dir $@)
	$(B)/tools/embed $(RULE_DOCS) > $@

$(B)/obj/gen/rule_docs.o: $(B)/gen/rule_docs.c | $(TS_DIR)/lib/src/lib.c
	@mkdir -p $(dir $@)
	$(CC) $(OUR_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.c $(wildcard analyzer/*.h) | $(B)/gen/rule_docs.c $(TS_DIR)/lib/src/lib.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(OUR_CFLAGS) -c $< -o $@

$(B)/libormlint.a: $(OBJ)
	@echo "  AR      $@"
	@ar rcs $@ $^

$(B)/ormlint: $(B)/obj/analyzer/main.o $(B)/libormlint.a $(GRAMMAR_LIBS)
	@echo "  LD      $@"
	@$(CC) $^ $(LIBS) -o $@

# THIRD_PARTY_NOTICES must name every grammar pin and linked library, and
# nothing else: a pin bumped or a runtime switched without its notice fails
# the build (tools/check_notices.sh).
$(B)/notices.ok: THIRD_PARTY_NOTICES grammars/pins.mk Makefile tools/check_notices.sh
	@mkdir -p $(dir $@)
	@sh tools/check_notices.sh THIRD_PARTY_NOTICES grammars/pins.mk $(filter -l%,$(LIBS))
	@touch $@

# ---- tests ----------------------------------------------------------------
$(B)/tests/test_%: tests/unit/test_%.c $(B)/libormlint.a $(GRAMMAR_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(OUR_CFLAGS) -Wno-unused-parameter $^ $(LIBS) -lcmocka -o $@

unit: $(UNIT_BIN)
	@sh tests/run_unit.sh $(UNIT_BIN)

e2e: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) sh tests/e2e/run.sh

# Precision and recall on public applications (tests/realworld/labels.json),
# where their mirrors were fetched; a developer target, never in test or CI.
realworld: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) B=$(abspath $(B)) /usr/bin/python3 tests/realworld/measure.py

# Public applications' own test suites before and after --fix --unsafe-fixes
# (tests/realworld/suites.json; only those fetched; never in make test or CI).
realworld-fixes: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) /usr/bin/python3 tests/realworld/fix_suites.py

oracle: $(B)/ormlint
	@ORMLINT=$(abspath $(B)/ormlint) B=$(abspath $(B)) sh corpus/oracle/run.sh

# The VS Code extension: npm ci from the lockfile, tsc + esbuild, its tests
# (node --test) and the .vsix, written to $(B).
vscode: deps
	@VSIX_DIR=$(abspath $(B)) sh vscode/build.sh

# Every suite runs (vscode before e2e: the e2e's Node LSP client uses
# vscode-jsonrpc from vscode/node_modules); a summary line per suite, and the
# exit status fails when any suite failed.
TEST_SUITES := unit vscode e2e oracle fuzz-replay
test: deps
	@$(MAKE) --no-print-directory all
	@start=$$(date +%s); failed=""; summary=""; \
	for t in $(TEST_SUITES); do \
	  s=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$t; then r=ok; else r=FAILED; failed="$$failed $$t"; fi; \
	  summary="$$summary$$(printf '  %-11s %-6s %4ss' $$t $$r $$(( $$(date +%s) - s )))\n"; \
	done; \
	printf '== make test summary\n%b== total %ss\n' "$$summary" $$(( $$(date +%s) - start )); \
	if [ -n "$$failed" ]; then echo "== FAILED:$$failed"; exit 1; fi

# The test-suite under ASan + UBSan + LeakSanitizer: the unit tests, every
# end-to-end test and the oracle (fuzz-replay in make test is ASan + UBSan
# already; the extension is TypeScript). A report exits 98, never ormlint's
# 0/1/2, and is also written to build/asan/reports/: any file there fails.
SAN_REPORTS := $(abspath build/asan/reports)
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:exitcode=98:log_path=$(SAN_REPORTS)/asan \
           UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=98:log_path=$(SAN_REPORTS)/ubsan \
           LSAN_OPTIONS=exitcode=98
sanitize: deps
	@rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	@$(MAKE) --no-print-directory B=build/asan CC=clang \
	  SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" all
	@start=$$(date +%s); failed=""; \
	for t in unit e2e oracle; do \
	  s=$$(date +%s); \
	  $(SAN_ENV) $(MAKE) --no-print-directory B=build/asan CC=clang \
	    SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    $$t || failed="$$failed $$t"; \
	  printf '== sanitize %-7s %4ss\n' $$t $$(( $$(date +%s) - s )); \
	done; \
	n=$$(ls $(SAN_REPORTS) | wc -l); echo "== sanitizer reports: $$n (total $$(( $$(date +%s) - start ))s)"; \
	if [ $$n != 0 ]; then head -60 $(SAN_REPORTS)/*; exit 1; fi; \
	if [ -n "$$failed" ]; then echo "== FAILED:$$failed"; exit 1; fi

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c) over the engine built with clang,
# ASan+UBSan and fuzzer coverage into $(FUZZ_B)/lib. Seeds: the committed
# corpora (tests/fuzz/corpus/<harness>/: crash regressions, LSP and TOML
# samples) and, for the analysis, every fixture and corpus file, copied at
# build time. `fuzz-replay` (in make test) runs each harness over its seeds
# and then a fixed number of mutations from a fixed seed: the same inputs on
# every machine, whatever its load. `make fuzz` searches for FUZZ_SECONDS
# each, one core, keeping what it finds in $(FUZZ_B)/corpus/ and crashes in
# $(FUZZ_B)/artifacts/.
FUZZERS      := analyze lsp pyproject cache jinja
FUZZ_B       := $(B)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BINS    := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZERS))
FUZZ_SECONDS ?= 300
# fuzz-replay's runs per harness: the analysis runs ~80 inputs/s under ASan,
# the LSP and TOML readers thousands.
FUZZ_RUNS      ?= 1500
FUZZ_RUNS_FAST ?= 5000
FUZZ_SEED    ?= 1
FUZZ_OPTS    := -rss_limit_mb=2048 -timeout=20 -print_final_stats=1

fuzz-build: deps
	@$(MAKE) -s --no-print-directory B=$(FUZZ_B)/lib CC=clang \
	  SAN_FLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	  $(FUZZ_B)/lib/libormlint.a $(FUZZ_B)/lib/grammars/libtree-sitter-python.a \
	  $(FUZZ_B)/lib/grammars/libtree-sitter-toml.a $(FUZZ_B)/lib/tree-sitter/libtree-sitter.a
	@$(MAKE) -s --no-print-directory $(FUZZ_BINS) $(FUZZ_B)/seeds/analyze/.stamp \
	  $(FUZZ_B)/seeds/cache/.stamp

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_B)/lib/libormlint.a
	@echo "  FUZZ    $@"
	@clang -std=c11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Ianalyzer -I$(TS_DIR)/lib/include $(FUZZ_SAN) \
	  -fsanitize=fuzzer $< $(FUZZ_B)/lib/libormlint.a $(FUZZ_B)/lib/grammars/libtree-sitter-python.a \
	  $(FUZZ_B)/lib/grammars/libtree-sitter-toml.a $(FUZZ_B)/lib/tree-sitter/libtree-sitter.a \
	  -lpcre2-8 -lcjson -o $@

# The analysis harness's seeds: every Python file of the fixtures and the corpus.
$(FUZZ_B)/seeds/analyze/.stamp: $(shell find rules corpus -name '*.py')
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@for f in $^; do cp "$$f" "$(dir $@)$$(echo "$$f" | tr / _)"; done
	@touch $@

# The cache reader's seeds: each of those files with the record the walker
# makes of it (tests/fuzz/fuzz_cache.c writes them).
$(FUZZ_B)/seeds/cache/.stamp: $(FUZZ_B)/fuzz_cache $(shell find rules corpus -name '*.py')
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@FUZZ_CACHE_SEEDS=$(dir $@) $(FUZZ_B)/fuzz_cache $(filter %.py,$^)
	@touch $@

fuzz-replay: fuzz-build
	@rm -rf $(FUZZ_B)/replay; ok=1; \
	for h in $(FUZZERS); do \
	  mkdir -p $(FUZZ_B)/replay/$$h; s=$$(date +%s); \
	  case $$h in analyze|cache) seeds="tests/fuzz/corpus/$$h $(FUZZ_B)/seeds/$$h" runs=$(FUZZ_RUNS);; \
	    *) seeds="tests/fuzz/corpus/$$h" runs=$(FUZZ_RUNS_FAST);; esac; \
	  if $(FUZZ_B)/fuzz_$$h $(FUZZ_OPTS) -runs=$$runs -seed=$(FUZZ_SEED) \
	       -artifact_prefix=$(FUZZ_B)/replay/$$h- $(FUZZ_B)/replay/$$h $$seeds \
	       > $(FUZZ_B)/replay/$$h.log 2>&1; then \
	    printf '  fuzz_%-10s %s runs (seeds, then mutations from seed $(FUZZ_SEED)), %ss\n' $$h \
	      "$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_B)/replay/$$h.log)" $$(( $$(date +%s) - s )); \
	  else ok=0; echo "  fuzz_$$h FAILED:"; tail -40 $(FUZZ_B)/replay/$$h.log; fi; \
	done; [ $$ok = 1 ]

fuzz: fuzz-build
	@mkdir -p $(FUZZ_B)/artifacts; ok=1; \
	for h in $(FUZZERS); do \
	  mkdir -p $(FUZZ_B)/corpus/$$h; \
	  case $$h in analyze|cache) seeds="tests/fuzz/corpus/$$h $(FUZZ_B)/seeds/$$h";; *) seeds="tests/fuzz/corpus/$$h";; esac; \
	  echo "== fuzz_$$h for $(FUZZ_SECONDS)s"; \
	  $(FUZZ_B)/fuzz_$$h $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=$(FUZZ_B)/artifacts/$$h- $(FUZZ_B)/corpus/$$h $$seeds \
	    > $(FUZZ_B)/$$h.log 2>&1 || ok=0; \
	  grep -E 'stat::number_of_executed_units|^==[0-9]+== ?ERROR|^SUMMARY' $(FUZZ_B)/$$h.log; \
	done; [ $$ok = 1 ] || { echo "== crashes in $(FUZZ_B)/artifacts/"; exit 1; }

# memcheck over the corpus scan and a subset of the end-to-end tests (see
# tests/valgrind.sh for which, and why): zero errors, zero leaks.
valgrind: deps all
	@sh tests/valgrind.sh $(abspath $(B)/ormlint) $(B)/valgrind

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
	install -d $(DESTDIR)$(PREFIX)/share/doc/ormlint
	install -m 644 LICENSE THIRD_PARTY_NOTICES $(DESTDIR)$(PREFIX)/share/doc/ormlint/

format:
	clang-format -i analyzer/*.c analyzer/*.h analyzer/tools/*.c rules/*/*.c tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf build
