/*
 * The ELF core's headers and notes, built into buffers (pure code: no
 * host calls, no kernel state; see glass/core.h for the layout). gdb reads
 * the result as a Linux x86-64 core: each NT_PRSTATUS is a thread whose
 * pr_pid is its LWP, with the registers in user_regs_struct order.
 */
#include <glass/core.h>
#include <glass/kernel.h>

#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

/* user_regs_struct: the order of NT_PRSTATUS's pr_reg. */
enum {
	UR_R15, UR_R14, UR_R13, UR_R12, UR_RBP, UR_RBX, UR_R11, UR_R10, UR_R9, UR_R8,
	UR_RAX, UR_RCX, UR_RDX, UR_RSI, UR_RDI, UR_ORIG_RAX, UR_RIP, UR_CS, UR_EFLAGS,
	UR_RSP, UR_SS, UR_FS_BASE, UR_GS_BASE, UR_DS, UR_ES, UR_FS, UR_GS, UR_NR
};
/* gdb_regs.gpr index for each of the first user_regs slots (-1: none). */
static const signed char ur_from_gpr[UR_NR] = {
	[UR_R15] = 15, [UR_R14] = 14, [UR_R13] = 13, [UR_R12] = 12, [UR_RBP] = 6,
	[UR_RBX] = 1, [UR_R11] = 11, [UR_R10] = 10, [UR_R9] = 9, [UR_R8] = 8,
	[UR_RAX] = 0, [UR_RCX] = 2, [UR_RDX] = 3, [UR_RSI] = 4, [UR_RDI] = 5,
	[UR_ORIG_RAX] = -1, [UR_RIP] = -1, [UR_CS] = -1, [UR_EFLAGS] = -1,
	[UR_RSP] = 7, [UR_SS] = -1, [UR_FS_BASE] = -1, [UR_GS_BASE] = -1,
	[UR_DS] = -1, [UR_ES] = -1, [UR_FS] = -1, [UR_GS] = -1,
};
#define PRSTATUS_PID 32         /* offsetof(struct elf_prstatus, pr_pid) */
#define PRSTATUS_REG 112        /* offsetof(struct elf_prstatus, pr_reg) */

static void put32(void *p, u32 v)
{
	memcpy(p, &v, 4);
}

/* At most max bytes of s into dst (already zeroed): NUL-terminated when
 * dst has room for max + 1. */
static void put_str(char *dst, const char *s, size_t max)
{
	for (size_t i = 0; i < max && s[i]; i++)
		dst[i] = s[i];
}

size_t core_note_size(size_t namesz, size_t descsz)
{
	return 12 + ALIGN4(namesz) + ALIGN4(descsz);
}

size_t core_notes_size(unsigned nthreads)
{
	return core_note_size(5, CORE_PRPSINFO_SIZE) +
	       nthreads * core_note_size(5, CORE_PRSTATUS_SIZE) +
	       core_note_size(6, nthreads * sizeof(struct core_task_name));
}

u64 core_layout(unsigned nthreads, struct core_seg *segs, unsigned nsegs, u64 *notes_off)
{
	u64 off = sizeof(struct elf64_hdr) + (1 + nsegs) * sizeof(struct elf64_phdr);

	*notes_off = off;
	off += core_notes_size(nthreads);
	for (unsigned i = 0; i < nsegs; i++) {
		off = (off + CORE_PAGE - 1) & ~(CORE_PAGE - 1);
		segs[i].offset = off;
		off += segs[i].size;
	}
	return off;
}

void core_ehdr(struct elf64_hdr *eh, unsigned phnum)
{
	static const unsigned char ident[16] = { 0x7f, 'E', 'L', 'F', 2 /* 64-bit */,
						 1 /* little-endian */, 1 /* version */ };

	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ident, sizeof(ident));
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(struct elf64_phdr);
	eh->e_phnum = phnum;
}

void core_phdr_note(struct elf64_phdr *ph, u64 off, u64 size)
{
	*ph = (struct elf64_phdr){ .p_type = PT_NOTE, .p_offset = off, .p_filesz = size,
				   .p_align = 4 };
}

void core_phdr_load(struct elf64_phdr *ph, const struct core_seg *s)
{
	*ph = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = s->flags, .p_offset = s->offset,
				   .p_vaddr = s->vaddr, .p_filesz = s->size, .p_memsz = s->size,
				   .p_align = CORE_PAGE };
}

size_t core_note_head(void *buf, const char *name, u32 type, size_t descsz)
{
	size_t namesz = strlen(name) + 1;
	char *p = buf;

	put32(p, namesz);
	put32(p + 4, descsz);
	put32(p + 8, type);
	memset(p + 12, 0, ALIGN4(namesz));
	memcpy(p + 12, name, namesz);
	return 12 + ALIGN4(namesz);
}

size_t core_note_prstatus(void *buf, const struct core_thread *t)
{
	char *p = buf, *desc;
	u64 ur[UR_NR];
	size_t head = core_note_head(p, "CORE", NT_PRSTATUS, CORE_PRSTATUS_SIZE);
	const struct gdb_regs *r = t->regs;

	desc = p + head;
	memset(desc, 0, CORE_PRSTATUS_SIZE);
	put32(desc, t->sig);                    /* si_signo */
	desc[12] = (char)t->sig;                /* pr_cursig (u16) */
	put32(desc + PRSTATUS_PID, t->tid);
	for (int i = 0; i < UR_NR; i++)
		ur[i] = ur_from_gpr[i] >= 0 ? r->gpr[(int)ur_from_gpr[i]] : 0;
	ur[UR_RIP] = r->rip;
	ur[UR_EFLAGS] = r->eflags;
	ur[UR_ORIG_RAX] = (u64)-1;
	ur[UR_CS] = 0x33;
	ur[UR_SS] = 0x2b;
	ur[UR_FS_BASE] = r->fs_base;
	ur[UR_GS_BASE] = r->gs_base;
	memcpy(desc + PRSTATUS_REG, ur, sizeof(ur));
	return head + CORE_PRSTATUS_SIZE;
}

size_t core_note_prpsinfo(void *buf, long pid, const char *fname, const char *args)
{
	char *p = buf, *desc;
	size_t head = core_note_head(p, "CORE", NT_PRPSINFO, CORE_PRPSINFO_SIZE);

	desc = p + head;
	memset(desc, 0, CORE_PRPSINFO_SIZE);
	desc[0] = 0;                            /* pr_state: running */
	desc[1] = 'R';                          /* pr_sname */
	put32(desc + 24, pid);                  /* pr_pid */
	put_str(desc + 40, fname, 15);          /* pr_fname[16] */
	put_str(desc + 56, args, 79);           /* pr_psargs[80] */
	return head + CORE_PRPSINFO_SIZE;
}

size_t core_note_names_head(void *buf, unsigned n)
{
	return core_note_head(buf, "GLASS", NT_GLASS_TASKS, n * sizeof(struct core_task_name));
}

void core_task_name(struct core_task_name *e, long tid, const char *comm, char state)
{
	memset(e, 0, sizeof(*e));
	e->tid = tid;
	put_str(e->comm, comm, sizeof(e->comm) - 1);
	e->state = state;
}
