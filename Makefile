# Glass: a user-mode kernel built to be debugged.
# make            build ./glass and the default initramfs
# make run        boot to a busybox shell
# make check      unit and integration tests (installs what it needs)
# make bench      microbenchmarks against native and UML
# make DEBUG=1    -Og for stepping

SHELL := /bin/bash
CC := gcc
GCC_INC := $(shell $(CC) -print-file-name=include)
OPT := -O2
ifeq ($(DEBUG),1)
OPT := -Og
endif

# Every build has symbols and frame pointers (DESIGN.md rule 6).
COMMON := $(OPT) -g -std=gnu11 -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-pie -fno-strict-aliasing -fno-common -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers
# Kernel code sees only compiler headers and its own (rule 2).
KCFLAGS := $(COMMON) -nostdinc -isystem $(GCC_INC) -Ikernel/include -fno-stack-protector
# Host side: kernel/os may include libc.
OSCFLAGS := $(COMMON) -D_GNU_SOURCE -Ikernel/include
LDFLAGS := -no-pie -g
LDLIBS := -lpthread

B := build
KSRC := $(shell find kernel -name '*.c' -not -path 'kernel/os/*' -not -path '*/stub/*' | sort)
KASM := $(shell find kernel -name '*.S' -not -path '*/stub/*' | sort)
OSSRC := $(sort $(wildcard kernel/os/*.c))
KOBJ := $(KSRC:%.c=$(B)/%.o) $(KASM:%.S=$(B)/%.o)
OSOBJ := $(OSSRC:%.c=$(B)/%.o)
STUB := $(B)/stub.elf

all: glass $(B)/initramfs.cpio

# Two links, as Linux's kallsyms: the second carries the symbol table of the
# first. The table lives in .rodata, after .text, so no function moves.
$(B)/glass.tmp: $(KOBJ) $(OSOBJ)
	$(CC) $(LDFLAGS) -o $@ $(KOBJ) $(OSOBJ) $(LDLIBS)

$(B)/kallsyms.c: $(B)/glass.tmp scripts/kallsyms.sh
	scripts/kallsyms.sh $< > $@

$(B)/kallsyms.o: $(B)/kallsyms.c
	$(CC) $(KCFLAGS) -c $< -o $@

glass: $(B)/kallsyms.o
	$(CC) $(LDFLAGS) -o $@ $(KOBJ) $(OSOBJ) $(B)/kallsyms.o $(LDLIBS)
	@cmp -s <(nm -n $(B)/glass.tmp | grep -i ' t ' | grep -v kallsyms) \
		<(nm -n $@ | grep -i ' t ' | grep -v kallsyms) || \
		{ echo "kallsyms: text moved between links"; rm -f $@; exit 1; }

$(B)/kernel/os/%.o: kernel/os/%.c
	@mkdir -p $(dir $@)
	$(CC) $(OSCFLAGS) -MMD -MP -c $< -o $@

$(B)/kernel/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/kernel/%.o: kernel/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

# The address-space stub: no libc, linked at STUB_CODE, embedded in glass.
$(STUB): kernel/arch/x86_64/stub/stub.c kernel/arch/x86_64/stub/stub.lds kernel/include/glass/os.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -nostdlib -static -fpie -no-pie -fno-stack-protector \
		-fno-asynchronous-unwind-tables -ffreestanding -mgeneral-regs-only -Ikernel/include \
		-Wall -Wextra -Werror -Wl,-T,kernel/arch/x86_64/stub/stub.lds \
		-Wl,--build-id=none -o $@ $<
$(B)/kernel/arch/x86_64/stub_blob.o: $(STUB)
$(B)/kernel/init/initramfs_data.o: $(B)/initramfs.cpio

# Default initramfs from Debian's busybox-static.
$(B)/initramfs.cpio: scripts/mkinitramfs.sh scripts/init.sh
	@mkdir -p $(B)
	scripts/mkinitramfs.sh $@

deps:
	@scripts/deps.sh build

run: deps all
	./glass

check: deps all
	@scripts/check.sh

bench: deps all
	@scripts/bench.sh

clean:
	rm -rf $(B) glass

.PHONY: all deps run check bench clean
-include $(shell find $(B) -name '*.d' 2>/dev/null)
