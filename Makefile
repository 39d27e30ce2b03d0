# vigil: build, test, benchmark, install.
#
#   make          build ./vigil
#   make run      install missing packages, build, open the built-in demo
#   make check    install missing packages, build, run every test, then again
#                 under AddressSanitizer and UndefinedBehaviorSanitizer
#                 (tests/run.sh: TEST_JOBS programs at a time, default the
#                 number of cores, at least 2)
#   make bench    speed and memory figures against ../shared/ref
#   make deps     apt-get install what pkg-config cannot find
#   make fuzz     libFuzzer (clang) on every input format, FUZZ_SECONDS
#                 each (default 60); not part of check
#   make install  PREFIX=/usr/local DESTDIR=

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

WARN := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Werror
PKGS := ncursesw libpcre2-8 libcjson libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_CPPFLAGS := -I. -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-D_XOPEN_SOURCE_EXTENDED $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS := $(WARN) $(CFLAGS) -pthread
LIBS := $(PKG_LIBS) -lcsv -lm -ldl -pthread

LIB_SRC := $(wildcard data/*.c engine/*.c labels/*.c) \
	$(filter-out ui/main.c,$(wildcard ui/*.c ui/cli/*.c ui/dash/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/ui/main.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)

# Debian packages for what pkg-config (or a header check) cannot find.
DEPS_PKGCONFIG := ncursesw:libncurses-dev libpcre2-8:libpcre2-dev \
	cmocka:libcmocka-dev libcjson:libcjson-dev openblas:libopenblas-dev \
	libcurl:libcurl4-openssl-dev
# Commands the tests need (command:package): a real Prometheus, promtool
# and Alertmanager for the live tests (tests/test_live_prom.c).
DEPS_COMMANDS := tmux:tmux cc:gcc prometheus:prometheus promtool:prometheus \
	prometheus-alertmanager:prometheus-alertmanager
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Another apt or dpkg at work (unattended upgrades): wait for its lock
# instead of failing at once.
APT_WAIT ?= 600
APT_LOCK := -o DPkg::Lock::Timeout=$(APT_WAIT)

.PHONY: all run check test test-asan bench deps install uninstall clean \
	check-deps build-tests fuzz fuzz-bins

all: vigil $(BUILD)/vigil.1

vigil: $(MAIN_OBJ) $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libvigil.a tests/testutil.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CMOCKA_CFLAGS) $(ALL_CFLAGS) -MMD -MP -o $@ \
		$< $(BUILD)/libvigil.a $(CMOCKA_LIBS) $(LIBS)

# The fuzz regression test runs the fuzz targets themselves.
FUZZ_SRC := tests/fuzz/targets.c
$(BUILD)/tests/test_fuzz_regress: tests/test_fuzz_regress.c $(FUZZ_SRC) \
		tests/fuzz/targets.h $(BUILD)/libvigil.a tests/testutil.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CMOCKA_CFLAGS) $(ALL_CFLAGS) -MMD -MP -o $@ \
		$< $(FUZZ_SRC) $(BUILD)/libvigil.a $(CMOCKA_LIBS) $(LIBS)

# The man page: man/vigil.1 with the KEYS section written from the key
# table, so it lists what the dashboard's help shows, and OPTIONS from
# every command's --help.
$(BUILD)/mankeys: man/mankeys.c $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -o $@ $< \
		$(BUILD)/libvigil.a $(LIBS)

$(BUILD)/vigil.1: man/vigil.1 $(BUILD)/mankeys vigil
	$(BUILD)/mankeys ./vigil < man/vigil.1 > $@.tmp && mv $@.tmp $@

build-tests: vigil $(BUILD)/vigil.1 $(TEST_BIN) $(BENCH_BIN)

deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for p in $(DEPS_PKGCONFIG); do \
		pkg-config --exists $${p%%:*} 2>/dev/null || \
			missing="$$missing $${p#*:}"; \
	done; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	for c in $(DEPS_COMMANDS); do \
		command -v $${c%%:*} >/dev/null 2>&1 || \
			case " $$missing " in *" $${c#*:} "*) ;; \
			*) missing="$$missing $${c#*:}";; esac; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing (waiting up to $(APT_WAIT) s for a busy package manager)"; \
		$(SUDO) apt-get $(APT_LOCK) update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get $(APT_LOCK) \
			install -y -qq --no-install-recommends $$missing \
			>/dev/null || exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) vigil
	./vigil

# Tests: the plain build first, then the sanitizer build.
check: deps
	@$(MAKE) --no-print-directory check-deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-asan

test:
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) build-tests
	@VIGIL=$(CURDIR)/vigil XDG_CACHE_HOME=$(CURDIR)/$(BUILD)/test-cache \
		sh tests/run.sh $(BUILD)/tests plain

test-asan:
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) \
		BUILD=build/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined \
		-fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		build/asan/vigil-asan build-tests-asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		VIGIL=$(CURDIR)/build/asan/vigil-asan VIGIL_SANITIZED=1 \
		XDG_CACHE_HOME=$(CURDIR)/build/asan/test-cache \
		sh tests/run.sh build/asan/tests sanitized

.PHONY: build-tests-asan
build-tests-asan: $(TEST_BIN) $(BUILD)/mankeys

$(BUILD)/vigil-asan: $(MAIN_OBJ) $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# Fuzzing: one libFuzzer binary per input format (tests/fuzz/targets.c),
# built with clang, AddressSanitizer and UndefinedBehaviorSanitizer.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_TARGETS := csv smd psm nab interp test_label label_csv label_csv_ahead \
	label_column nab_windows detections model model_v2 journal
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined

fuzz: deps
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz: needs \
	clang with libFuzzer (apt-get install clang), or FUZZ_CC=..."; exit 1; }
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) \
		CC=$(FUZZ_CC) BUILD=build/fuzz \
		CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" fuzz-bins
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_main.c $(FUZZ_SRC) tests/fuzz/targets.h \
		$(BUILD)/libvigil.a
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fsanitize=fuzzer \
		-DFUZZ_TARGET='"$*"' -o $@ $< $(FUZZ_SRC) \
		$(BUILD)/libvigil.a $(LIBS)

# Figures only; PyTorch is measured in the same run when a python3 imports
# torch (tests/bench_torch.py). Nothing may be written into ../shared: the
# rule lists whatever changed there and fails.
bench: deps
	@$(MAKE) --no-print-directory vigil $(BENCH_BIN)
	@mkdir -p $(BUILD) && touch $(BUILD)/bench.stamp
	@for b in $(BENCH_BIN); do VIGIL=$(CURDIR)/vigil ./$$b || exit 1; done
	@if [ -d ../shared ]; then \
		changed=$$(find ../shared -newer $(BUILD)/bench.stamp 2>/dev/null); \
		if [ -n "$$changed" ]; then \
			echo "make bench: wrote into ../shared:"; \
			echo "$$changed"; exit 1; fi; \
		echo "make bench: nothing written into ../shared"; fi

# The include rules of DESIGN section 1.
check-deps:
	@fail=0; \
	for f in data/*.[ch]; do \
		if grep -nE '#include *"(engine|labels|ui)/' $$f; then \
			echo "check-deps: $$f: data/ includes another module"; \
			fail=1; fi; done; \
	for f in engine/*.[ch]; do \
		if grep -nE '#include *"(labels|ui)/' $$f; then \
			echo "check-deps: $$f: engine/ includes labels/ or ui/"; \
			fail=1; fi; done; \
	for f in labels/*.[ch]; do \
		if grep -nE '#include *"(engine|ui)/' $$f; then \
			echo "check-deps: $$f: labels/ includes engine/ or ui/"; \
			fail=1; fi; done; \
	for f in data/*.[ch] engine/*.[ch] labels/*.[ch]; do \
		if grep -nE '#include *<n?cursesw?(/curses)?\.h>' $$f; then \
			echo "check-deps: $$f: only ui/ includes curses"; \
			fail=1; fi; done; \
	for f in $$(grep -rlE --include='*.c' '#include *<csv\.h>' \
			data engine labels ui 2>/dev/null); do \
		case $$f in data/csv*.c) ;; *) \
			echo "check-deps: $$f: only the CSV reader includes csv.h"; \
			fail=1;; esac; done; \
	for f in $$(grep -rlE '#include *<curl/' data engine labels ui \
			2>/dev/null); do \
		case $$f in data/prom.c) ;; *) \
			echo "check-deps: $$f: only the Prometheus loader includes libcurl"; \
			fail=1;; esac; done; \
	for f in ui/*.[ch] ui/cli/*.[ch]; do \
		if grep -nE '#include *"ui/dash/' $$f; then \
			echo "check-deps: $$f: only ui/dash includes the dashboard"; \
			fail=1; fi; done; \
	for f in ui/*.[ch] ui/dash/*.[ch]; do \
		if grep -nE '#include *"ui/cli/' $$f; then \
			echo "check-deps: $$f: only ui/cli includes the subcommands' files"; \
			fail=1; fi; done; \
	for f in ui/*.[ch] ui/cli/*.[ch]; do \
		if grep -nE '#include *<n?cursesw?(/curses)?\.h>' $$f; then \
			echo "check-deps: $$f: only the dashboard (ui/dash) includes curses"; \
			fail=1; fi; done; \
	for f in data/*.c engine/*.c labels/*.c; do \
		if grep -nE '\b(printf|puts|exit|perror)\(|fprintf\((stderr|stdout)' $$f; then \
			echo "check-deps: $$f: library code must not print or exit"; \
			fail=1; fi; done; \
	[ $$fail = 0 ] && echo "check-deps: module rules hold"; exit $$fail

install: vigil $(BUILD)/vigil.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 vigil $(DESTDIR)$(PREFIX)/bin/vigil
	install -m 644 $(BUILD)/vigil.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/vigil.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vigil \
		$(DESTDIR)$(PREFIX)/share/man/man1/vigil.1

clean:
	rm -rf build vigil

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
