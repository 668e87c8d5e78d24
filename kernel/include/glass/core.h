/*
 * The ELF core file's pieces (kernel/diag/core.c): pure code that builds
 * the ELF header, program headers and notes into buffers, so unit tests
 * check them byte by byte and core_dump.c only adds the I/O.
 *
 * File layout: ELF header, program headers (one PT_NOTE, then one PT_LOAD
 * per memory segment), the notes (NT_PRPSINFO; per thread NT_PRSTATUS in
 * thread order, the first being the thread gdb selects; one "GLASS" note
 * naming the threads), then each segment's bytes at a page-aligned offset.
 */
#ifndef GLASS_CORE_H
#define GLASS_CORE_H

#include <glass/elf.h>
#include <glass/gdbstub.h>
#include <glass/types.h>

#define ET_CORE 4
#define PT_NOTE 4
#define NT_PRSTATUS 1
#define NT_PRPSINFO 3
/* Our note (owner "GLASS"): desc is an array of struct core_task_name. */
#define NT_GLASS_TASKS 0x474c0001

#define CORE_PRSTATUS_SIZE 336  /* struct elf_prstatus, x86-64 */
#define CORE_PRPSINFO_SIZE 136  /* struct elf_prpsinfo, x86-64 */
#define CORE_PAGE 4096UL

struct core_task_name {
	s64 tid;                /* the thread's id: the pid, idle IDLE_TID */
	char comm[16];
	char state;             /* ps's letter */
	char pad[7];
};

struct core_thread {
	long tid;
	int sig;                /* pr_cursig: the fault's signal, or 0 */
	const struct gdb_regs *regs;
};

struct core_seg {
	u64 vaddr, size;
	u32 flags;              /* PF_R | PF_W | PF_X */
	u64 offset;             /* set by core_layout */
};

/* Bytes of one note with a name of namesz bytes (NUL included). */
size_t core_note_size(size_t namesz, size_t descsz);
/* Bytes of all notes for nthreads threads. */
size_t core_notes_size(unsigned nthreads);
/* Offsets: notes after the headers, segments page-aligned after them.
 * Returns the file's size. */
u64 core_layout(unsigned nthreads, struct core_seg *segs, unsigned nsegs, u64 *notes_off);

void core_ehdr(struct elf64_hdr *eh, unsigned phnum);
void core_phdr_note(struct elf64_phdr *ph, u64 off, u64 size);
void core_phdr_load(struct elf64_phdr *ph, const struct core_seg *s);

/* Note header and name (padded) into buf; returns the bytes written. */
size_t core_note_head(void *buf, const char *name, u32 type, size_t descsz);
/* Whole notes into buf; each returns its size. */
size_t core_note_prstatus(void *buf, const struct core_thread *t);
size_t core_note_prpsinfo(void *buf, long pid, const char *fname, const char *args);
/* The GLASS note's header for n names, then each name's entry. */
size_t core_note_names_head(void *buf, unsigned n);
void core_task_name(struct core_task_name *e, long tid, const char *comm, char state);

#endif
