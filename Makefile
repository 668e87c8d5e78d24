# Glass: a user-mode kernel built to be debugged.
# make            build ./glass and the default initramfs
# make run        boot to a busybox shell
# make check      unit and integration tests (installs what it needs)
# make bench      microbenchmarks against native and UML
# make bench-profile  the profilers' cost (scripts/bench-profile.sh)
# make bench-ptproxy  strace/gdb through glass-ptproxy vs native (scripts/bench-ptproxy.sh)
# make DEBUG=1    -Og for stepping
# make PROFILE=1  build-prof/glass, built with -pg for gprof (profiling/README.md)

SHELL := /bin/bash
CC := gcc
GCC_INC := $(shell $(CC) -print-file-name=include)
OPT := -O2
ifeq ($(DEBUG),1)
OPT := -Og
endif

B := build
GLASS := glass
# Instrumented variants build in a tree of their own, with the binary in
# it, so they never mix objects with the normal build (which make check
# uses): COVERAGE=1 (gcov counters, coverage/README.md) in build-cov,
# KCOV=1 (guest kcov) in build-kcov, PROFILE=1 (gprof, profiling/README.md)
# in build-prof; several at once in build-cov-kcov and so on.
VARIANT := $(subst $(eval) ,-,$(strip $(if $(filter 1,$(COVERAGE)),cov) $(if $(filter 1,$(KCOV)),kcov) $(if $(filter 1,$(PROFILE)),prof)))
ifneq ($(VARIANT),)
B := build-$(VARIANT)
GLASS := $(B)/glass
endif
# PROFILE=1: every kernel and host-layer function calls __fentry__
# (kernel/os/mcount.c) for gprof's call graph, the histogram comes from
# profil(). What is left out and why: profiling/README.md.
PG :=
ifeq ($(PROFILE),1)
PG := -pg -mfentry -DGLASS_GPROF
endif
# Generated headers (build/include): the syscall numbers, table and
# argument counts from kernel/proc/syscalls.tbl. Every compile waits for
# them (order-only); the .d files then track them like any header.
GEN := $(B)/include/.syscalls.stamp

# Every build has symbols and frame pointers (rule symbols-always).
COMMON := $(OPT) -g -std=gnu11 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-pie -fno-strict-aliasing -fno-common -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers
# Loops stay loops, never memset/memcpy calls gcc makes up: monitor text
# calls nothing outside its section (rule monitor-never-blocks, checked by
# scripts/check-monitor-text.sh), and __monitor_text functions live in
# every directory, so the flag is for all kernel code, not per directory.
KNOCALLS := -fno-tree-loop-distribute-patterns
# A kernel function is static or declared in a header its definition sees.
KWARN := -Wmissing-prototypes
# Kernel code sees only compiler headers and its own (rule host-boundary).
# -I. for the top-level components' headers: #include <trace/trace.h>.
KCFLAGS := $(COMMON) -nostdinc -isystem $(GCC_INC) -Ikernel/include -I$(B)/include -I. \
	-fno-stack-protector $(KNOCALLS) $(KWARN)
# gdbstub/ is kernel code that the monitor thread runs: all of its code goes
# to the monitor's section (renamed below), where no breakpoint is planted,
# so none of it may be split off to .text.unlikely.
GDBCFLAGS := $(KCFLAGS) -fno-reorder-blocks-and-partition
# Host side: kernel/os may include libc.
OSCFLAGS := $(COMMON) -D_GNU_SOURCE -Ikernel/include -I$(B)/include -I.
LDFLAGS := -no-pie -g
# libunwind and libdw: the oops report's backtrace and lines (kernel/os/unwind.c).
# Linked static (Debian's -dev packages ship the archives), with what they
# need (lzma, zlib, bzip2: libbz2-dev, which libdw-dev does not pull in, is
# in scripts/deps.sh), libc staying shared: the dynamic loader's mapping
# and relocation of six libraries at every start was ~60 host page faults,
# a few ms of each boot on a VM (docs/benchmarks.md, boot 2026-12-06).
LDLIBS := -lpthread -Wl,-Bstatic -lunwind -ldw -lelf -llzma -lz -lbz2 -Wl,-Bdynamic

# What the variants compile into kernel code (KINSTR: the instrumented
# files only, kernel/ outside kernel/os and the stub; never gdbstub/,
# coverage/ or the generated kallsyms) and the CONFIG_ switches every
# file sees. gcov: each object's gcov_info goes to the section gcov_info
# instead of a constructor calling libgcov's __gcov_init, so the kernel
# owns the list (coverage/gcov.c); libgcov supplies the merge functions
# the records name and __gcov_info_to_gcda (kernel/os/gcov.c).
KINSTR :=
ifeq ($(COVERAGE),1)
KINSTR += --coverage -fprofile-info-section=gcov_info
KCONFIG += -DCONFIG_GCOV_KERNEL
LDFLAGS += -Wl,-u,__gcov_info_to_gcda
LDLIBS += -lgcov
endif
# kcov: a call to __sanitizer_cov_trace_pc (coverage/kcov.c) in every
# basic block.
ifeq ($(KCOV),1)
KINSTR += -fsanitize-coverage=trace-pc
KCONFIG += -DCONFIG_KCOV
endif
KCFLAGS += $(KCONFIG)
OSCFLAGS += $(KCONFIG)

KSRC := $(shell find kernel -name '*.c' -not -path 'kernel/os/*' -not -path '*/stub/*' | sort)
KASM := $(shell find kernel -name '*.S' -not -path '*/stub/*' | sort)
OSSRC := $(sort $(wildcard kernel/os/*.c))
GDBSRC := $(sort $(wildcard gdbstub/*.c))
# coverage/: the gcov registry and commands in every build, kcov in KCOV=1.
COVSRC := $(filter-out $(if $(filter 1,$(KCOV)),,coverage/kcov.c),$(sort $(wildcard coverage/*.c)))
PROFSRC := $(sort $(wildcard profiling/*.c))
KOBJ := $(KSRC:%.c=$(B)/%.o) $(KASM:%.S=$(B)/%.o) $(GDBSRC:%.c=$(B)/%.o) $(COVSRC:%.c=$(B)/%.o) \
	$(PROFSRC:%.c=$(B)/%.o)
OSOBJ := $(OSSRC:%.c=$(B)/%.o)
STUB := $(B)/stub.elf
# trace/ (its rules are with the fuzz targets' rules below).
TRACESRC := $(sort $(wildcard trace/*.c))
KOBJ += $(TRACESRC:%.c=$(B)/%.o)
# ptproxy/wire.c: the protocol the kernel's ptproxy listener decodes.
KOBJ += $(B)/ptproxy/wire.o

all: $(GLASS) $(dir $(GLASS))glass-gdb.py $(B)/initramfs.cpio
# A variant is the kernel alone: the tools and programs are the same.
ifeq ($(VARIANT),)
all: glass-console glass-ptproxy programs
endif

# gdb auto-loads <objfile>-gdb.py from beside the binary (trusted paths).
$(dir $(GLASS))glass-gdb.py: moddebug/glass-gdb.py
	cp $< $@

# Two links, as Linux's kallsyms: the second carries the symbol table of the
# first. The table lives in .rodata, after .text, so no function moves.
$(B)/glass.tmp: $(KOBJ) $(OSOBJ)
	$(CC) $(LDFLAGS) -o $@ $(KOBJ) $(OSOBJ) $(LDLIBS)

$(B)/kallsyms.c: $(B)/glass.tmp scripts/kallsyms.sh
	scripts/kallsyms.sh $< > $@

$(B)/kallsyms.o: $(B)/kallsyms.c | $(GEN)
	$(CC) $(KCFLAGS) -c $< -o $@

$(GLASS): $(B)/kallsyms.o
	$(CC) $(LDFLAGS) -o $@ $(KOBJ) $(OSOBJ) $(B)/kallsyms.o $(LDLIBS)
	@cmp -s <(nm -n $(B)/glass.tmp | grep -i ' t ' | grep -v kallsyms) \
		<(nm -n $@ | grep -i ' t ' | grep -v kallsyms) || \
		{ echo "kallsyms: text moved between links"; rm -f $@; exit 1; }

$(GEN): kernel/proc/syscalls.tbl scripts/syscalltbl.sh
	scripts/syscalltbl.sh $< $(B)/include
	@touch $@

$(B)/kernel/os/%.o: kernel/os/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) $(PG) $(KWARN) -MMD -MP -c $< -o $@

$(B)/kernel/%.o: kernel/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(KINSTR) $(PG) -MMD -MP -c $< -o $@

$(B)/coverage/%.o: coverage/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
# gcov dump DIR puts a record's file under DIR minus this prefix.
$(B)/kernel/os/gcov.o: OSCFLAGS += -DGCOV_BUILD_DIR='"$(abspath $(B))/"'
# kernel/os/mcount.c is what -pg calls: never itself instrumented, and it
# must keep every register a function's arguments may be in, vector ones
# included (profiling/README.md).
$(B)/kernel/os/mcount.o: PG := $(filter -D%,$(PG)) -mgeneral-regs-only
# profiling/ is kernel code.
$(B)/profiling/%.o: profiling/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(PG) -MMD -MP -c $< -o $@

$(B)/kernel/%.o: kernel/%.S | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/gdbstub/%.o: gdbstub/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(GDBCFLAGS) -MMD -MP -c $< -o $@
	objcopy --rename-section .text=text_monitor $@

# The address-space stub: no libc, linked at STUB_CODE, embedded in glass.
$(STUB): kernel/arch/x86_64/stub/stub.c kernel/arch/x86_64/stub/stub.lds kernel/include/glass/os.h kernel/include/glass/layout.h kernel/include/glass/raw_syscall.h \
	kernel/include/uapi/futex.h kernel/include/uapi/mman.h kernel/include/uapi/sched.h \
	kernel/include/uapi/signal.h $(GEN)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -nostdlib -static -fpie -no-pie -fno-stack-protector \
		-fno-asynchronous-unwind-tables -ffreestanding -mgeneral-regs-only -Ikernel/include -I$(B)/include \
		-Wall -Wextra -Werror -Wl,-T,kernel/arch/x86_64/stub/stub.lds \
		-Wl,--build-id=none -o $@ $<
$(B)/kernel/arch/x86_64/stub_blob.o: $(STUB)
$(B)/kernel/init/initramfs_data.o: $(B)/initramfs.cpio

# Default initramfs from Debian's busybox-static.
$(B)/initramfs.cpio: scripts/mkinitramfs.sh scripts/init.sh
	@mkdir -p $(B)
	scripts/mkinitramfs.sh $@

# glass-console: the mconsole client (tools/glass-console/; the server is
# kernel/mconsole/), an ordinary host program (not linked
# into glass); it takes the wire structs from the kernel's pure header.
CONSOLE_SRC := $(sort $(wildcard tools/glass-console/*.c))
CONSOLE_OBJ := $(CONSOLE_SRC:%.c=$(B)/%.o)
glass-console: $(CONSOLE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(CONSOLE_OBJ) -lreadline

$(B)/tools/glass-console/%.o: tools/glass-console/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) -MMD -MP -c $< -o $@

# ptproxy/: glass-ptproxy's pure parts (the wire protocol both sides
# speak, /proc path classification), freestanding like kernel code so the
# kernel's listener can link the same decoder (sanitized and fuzz builds
# of them are with the unit and fuzz rules below).
$(B)/ptproxy/%.o: ptproxy/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

# glass-ptproxy: host strace and gdb on guest pids (ptproxy/README.md), an
# ordinary host program; the pure parts are built as kernel code above.
PTPROXY_SRC := $(filter-out ptproxy/wire.c ptproxy/procpath.c,$(sort $(wildcard ptproxy/*.c)))
PTPROXY_OBJ := $(PTPROXY_SRC:%.c=$(B)/tools/%.o) $(B)/ptproxy/wire.o $(B)/ptproxy/procpath.o
glass-ptproxy: $(PTPROXY_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(PTPROXY_OBJ)

$(B)/tools/ptproxy/%.o: ptproxy/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) -MMD -MP -c $< -o $@

deps:
	@scripts/deps.sh build

run: deps all
	./glass

# ---- guest programs (examples/programs): payloads for the tests and bench ----
# Every t_*.c is built static three ways: glibc, musl and (t_proc only)
# glibc static-pie; the ones named in PROG_PTHREAD are linked with -pthread.
# bench, roundtrips, sysfuzz, forkbomb, memhog, sleeplat, blkinfo, sysloop, kcov, profload, threadloop and pgburn (-pg) are glibc static;
# ministrace and tracee (PROG_BOTH) glibc and musl static;
# every t_*.c and dynlink (PROG_DYN) also glibc dynamic, in $(PB)/dynamic
# (dynlink only there: it checks dynamic linking itself; --as-needed keeps
# libm out of it, so its dlopen of libm loads something new);
# ptrace_rt and walltime are host tools; patchprobe and recycleprobe are
# built without libc.
PB := $(B)/programs
PROG_CFLAGS := -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE
PROG_H := $(wildcard examples/programs/*.h)
PROG_T := $(patsubst examples/programs/%.c,%,$(sort $(wildcard examples/programs/t_*.c)))
PROG_PTHREAD := t_threads t_fpsse t_ptrace t_patch threadloop
PROG_PIE := t_proc
# Tools built with both libcs: the mini strace and its target.
PROG_BOTH := ministrace tracee
PROG_DYN := dynlink
PROGRAMS := $(PROG_T:%=$(PB)/glibc/%) $(PROG_T:%=$(PB)/musl/%) $(PROG_PIE:%=$(PB)/static-pie/%) \
	$(patsubst %,$(PB)/glibc/%,$(filter bench roundtrips sysfuzz forkbomb memhog sleeplat monoclock blkinfo escape sysloop kcov profload threadloop pgburn,$(patsubst examples/programs/%.c,%,$(wildcard examples/programs/*.c)))) \
	$(if $(wildcard examples/programs/ptrace_rt.c),$(PB)/host/ptrace_rt) $(PB)/host/walltime \
	$(PROG_BOTH:%=$(PB)/glibc/%) $(PROG_BOTH:%=$(PB)/musl/%) $(PROG_T:%=$(PB)/dynamic/%) \
	$(PROG_DYN:%=$(PB)/dynamic/%) $(PB)/bare/patchprobe $(PB)/bare/recycleprobe
prog_threads = $(if $(filter $(1),$(PROG_PTHREAD)),-pthread)
# The profiler's workload keeps frame pointers, leaf functions too, so
# its samples show whole user stacks (profiling/README.md).
# A guest's own gprof profile (tests/integration/guest_gprof.sh).
$(PB)/glibc/pgburn: PROG_CFLAGS += -pg
$(PB)/glibc/profload: PROG_CFLAGS += -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-optimize-sibling-calls

programs: $(PROGRAMS)

$(PB)/glibc/%: examples/programs/%.c $(PROG_H)
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -static $(call prog_threads,$*) -o $@ $< -lm
$(PB)/musl/%: examples/programs/%.c $(PROG_H)
	@mkdir -p $(dir $@)
	musl-gcc $(PROG_CFLAGS) -static $(call prog_threads,$*) -o $@ $< -lm
$(PB)/static-pie/%: examples/programs/%.c $(PROG_H)
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -fpie -static-pie $(call prog_threads,$*) -o $@ $< -lm
$(PB)/dynamic/%: examples/programs/%.c $(PROG_H)
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -pthread -o $@ $< -Wl,--as-needed -lm -ldl
# patchprobe has no libc: nothing but its own syscall site is rewritten.
$(PB)/bare/%: examples/programs/%.c $(PROG_H)
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -static -nostdlib -ffreestanding -fno-stack-protector -o $@ $<
$(PB)/host/%: examples/programs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -o $@ $<

# ---- unit tests (tests/unit) ----
# tests/unit/test_X.c is a Check program linked with the files listed one per
# line in tests/unit/test_X.deps: kernel sources (kernel/os/ and tests/*
# fakes with the host flags OSCFLAGS, the rest with KCFLAGS, as in glass) and
# *_fakes.c files. Two builds: $(B)/tests/unit/test_X, and with ASan and
# UBSan in $(SB)/tests/unit/test_X (kernel objects recompiled there).
SB := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) -lsubunit -lm -lrt -lpthread
UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
UNIT := $(UNIT_NAMES:%=$(B)/tests/unit/%)
UNIT_SAN := $(UNIT_NAMES:%=$(SB)/tests/unit/%)
# Objects for the sources in a .deps file, in object dir $(1).
deps_of = $(if $(wildcard $(2)),$(shell grep -v '^[[:space:]]*\(#\|$$\)' $(2)))
deps_objs = $(patsubst %.S,$(1)/%.o,$(patsubst %.c,$(1)/%.o,$(call deps_of,$(1),$(2))))

define unit_rule
$(B)/tests/unit/$(1): $(B)/tests/unit/$(1).o $(call deps_objs,$(B),tests/unit/$(1).deps) tests/unit/$(1).deps
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(CHECK_LIBS)
$(SB)/tests/unit/$(1): $(SB)/tests/unit/$(1).o $(call deps_objs,$(SB),tests/unit/$(1).deps) tests/unit/$(1).deps
	$$(CC) $$(LDFLAGS) $$(SANFLAGS) -o $$@ $$(filter %.o,$$^) $$(CHECK_LIBS)
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))

$(B)/tests/%.o: tests/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) -MMD -MP -c $< -o $@
$(SB)/tests/%.o: tests/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/kernel/os/%.o: kernel/os/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) $(KWARN) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/kernel/%.o: kernel/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/coverage/%.o: coverage/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/kernel/%.o: kernel/%.S | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(SB)/gdbstub/%.o: gdbstub/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(GDBCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/profiling/%.o: profiling/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/ptproxy/%.o: ptproxy/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(SB)/kernel/arch/x86_64/stub_blob.o: $(STUB)
$(SB)/kernel/init/initramfs_data.o: $(B)/initramfs.cpio

unit: $(UNIT) $(UNIT_SAN)

# ---- fuzz targets (tests/fuzz): libFuzzer with clang, same .deps convention ----
FB := build-fuzz
FUZZ_CC := clang
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
FUZZ_KCFLAGS := -std=gnu11 -fno-pie -fno-strict-aliasing -fno-common -nostdinc \
	-isystem $(shell $(FUZZ_CC) -print-resource-dir 2>/dev/null)/include -Ikernel/include -I$(B)/include -I. \
	-fno-stack-protector -Wall -Wno-unused-parameter
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ := $(FUZZ_NAMES:%=$(FB)/tests/fuzz/%)
define fuzz_rule
$(FB)/tests/fuzz/$(1): $(FB)/tests/fuzz/$(1).o $(call deps_objs,$(FB),tests/fuzz/$(1).deps) $(wildcard tests/fuzz/$(1).deps)
	$$(FUZZ_CC) -g -no-pie -fsanitize=fuzzer,address,undefined -o $$@ $$(filter %.o,$$^)
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(t))))
$(FB)/tests/%.o: tests/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fno-pie -D_GNU_SOURCE -Ikernel/include -I$(B)/include -I. -MMD -MP -c $< -o $@
# trace/: pure code the monitor thread runs too (trace follow, dump and
# export read and format while the CPU thread writes), built as gdbstub/ is
# (into the monitor's section), plain, sanitized and for the fuzzers.
$(B)/trace/%.o: trace/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(GDBCFLAGS) -MMD -MP -c $< -o $@
	objcopy --rename-section .text=text_monitor $@
$(SB)/trace/%.o: trace/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(GDBCFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@
$(FB)/trace/%.o: trace/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(FB)/kernel/os/%.o: kernel/os/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fno-pie -D_GNU_SOURCE -Ikernel/include -I$(B)/include -MMD -MP -c $< -o $@
$(FB)/kernel/%.o: kernel/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(FB)/gdbstub/%.o: gdbstub/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(FB)/profiling/%.o: profiling/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(FB)/ptproxy/%.o: ptproxy/%.c | $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KCFLAGS) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

fuzz: $(FUZZ)

# Reports of a gcov dump (coverage/report.sh): DUMP=DIR for `gcov dump DIR`.
coverage-report:
	@B=$(if $(VARIANT),$(B),build-cov) coverage/report.sh $(DUMP)

check: deps-check
	@scripts/check.sh

bench: deps-bench all
	@scripts/bench.sh

# The instrumented builds' slowdown (coverage/bench.sh): builds build-cov.
bench-coverage: all
	@$(MAKE) --no-print-directory COVERAGE=1 all >/dev/null
	@coverage/bench.sh

# The profilers' cost: -pg slowdown per benchmark, sampling at 100-10000 Hz.
bench-profile: all
	@$(MAKE) --no-print-directory PROFILE=1 all >/dev/null
	@scripts/bench-profile.sh

# glass-ptproxy's figures: proxied against native strace -p and gdb -p.
bench-ptproxy: all
	@scripts/bench-ptproxy.sh

deps-check:
	@scripts/deps.sh check
deps-bench:
	@scripts/deps.sh bench

# The module ABI's identity (scripts/vermagic.sh): the loader compares it
# with each module's .modinfo vermagic.
VERMAGIC := $(B)/include/generated/vermagic.h
ifeq ($(M),)
$(VERMAGIC): $(shell find kernel/include -name '*.h') scripts/vermagic.sh $(GEN)
	scripts/vermagic.sh $@ $(KCFLAGS)
$(B)/kernel/module/main.o $(SB)/kernel/module/main.o: $(VERMAGIC)
$(B)/tests/unit/test_module.o $(SB)/tests/unit/test_module.o: $(VERMAGIC)

clean:
	rm -rf $(B) $(SB) $(FB) glass glass-console glass-ptproxy build-cov* build-kcov* build-prof*
else
# make -C <glass> M=DIR [clean]: out-of-tree modules.
include scripts/Makefile.module
# COVERAGE=1, KCOV=1: modules instrumented as the kernel is.
MODULE_CFLAGS += $(KINSTR)
ifeq ($(PROFILE),1)
$(error PROFILE=1: gprof does not cover modules (gmon.out holds glass's text only); the sampling profiler does: profiling/README.md)
endif
endif

.PHONY: all deps deps-check deps-bench run programs unit fuzz check bench clean coverage-report bench-coverage bench-profile bench-ptproxy
-include $(shell find $(B) $(SB) $(FB) -name '*.d' 2>/dev/null)
