/* The ELF core's pieces (kernel/diag/core.c): header, program headers,
 * notes byte by byte, and a whole small core read back by readelf. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glass/core.h>
#include "check_run.h"

static u32 get32(const void *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 get64(const void *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

/* got[i] == want[i] for each field, named by its index in what. */
static void expect_fields(const char *what, const u64 *got, const u64 *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(got[i] == want[i], "%s field %zu: %#llx, want %#llx", what, i,
			      (unsigned long long)got[i], (unsigned long long)want[i]);
}

START_TEST(ehdr_is_an_x86_64_core)
{
	struct elf64_hdr eh;

	core_ehdr(&eh, 7);
	ck_assert_int_eq(memcmp(eh.e_ident, "\177ELF\2\1\1", 7), 0);
	expect_fields("ehdr",
		      (const u64[]){ eh.e_type, eh.e_machine, eh.e_version, eh.e_phoff, eh.e_ehsize,
				     eh.e_phentsize, eh.e_phnum, eh.e_shnum, eh.e_shoff, eh.e_entry },
		      (const u64[]){ ET_CORE, EM_X86_64, 1, 64, 64, 56, 7, 0, 0, 0 }, 10);
}
END_TEST

START_TEST(layout_puts_notes_after_headers_and_pages_aligned)
{
	struct core_seg s[3] = { { 0x400000, 0x3000, PF_R }, { 0x200000000000, 0x10000, PF_R | PF_W },
				 { 0x7ff000, 0x1000, PF_R | PF_W } };
	u64 notes, size = core_layout(5, s, 3, &notes);

	ck_assert_int_eq(notes, 64 + 4 * 56);
	ck_assert_int_eq(core_notes_size(5), (12 + 8 + 136) + 5 * (12 + 8 + 336) +
					     (12 + 8 + 5 * 32));
	ck_assert_int_eq(s[0].offset % 4096, 0);
	ck_assert_uint_ge(s[0].offset, notes + core_notes_size(5));
	ck_assert_int_eq(s[1].offset, s[0].offset + 0x3000);
	ck_assert_int_eq(s[2].offset, s[1].offset + 0x10000);
	ck_assert_int_eq(size, s[2].offset + 0x1000);
}
END_TEST

/* One program header, field by field. */
static void expect_phdr(const struct elf64_phdr *ph, u32 type, u32 flags, u64 off, u64 vaddr,
			u64 size, u64 memsz, u64 align)
{
	expect_fields("phdr",
		      (const u64[]){ ph->p_type, ph->p_flags, ph->p_offset, ph->p_vaddr,
				     ph->p_filesz, ph->p_memsz, ph->p_align, ph->p_paddr },
		      (const u64[]){ type, flags, off, vaddr, size, memsz, align, 0 }, 8);
}

START_TEST(program_headers)
{
	struct core_seg seg = { .vaddr = 0x300000000000, .size = 0x20000, .flags = PF_R | PF_W,
				.offset = 0x5000 };
	struct elf64_phdr ph;

	core_phdr_note(&ph, 0x100, 0x400);
	expect_phdr(&ph, PT_NOTE, 0, 0x100, 0, 0x400, 0, 4);
	core_phdr_load(&ph, &seg);
	expect_phdr(&ph, PT_LOAD, PF_R | PF_W, 0x5000, 0x300000000000, 0x20000, 0x20000, 4096);
}
END_TEST

START_TEST(note_head_pads_the_name)
{
	unsigned char buf[64];

	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(core_note_head(buf, "GLASS", NT_GLASS_TASKS, 40), 12 + 8);
	ck_assert_int_eq(get32(buf), 6);
	ck_assert_int_eq(get32(buf + 4), 40);
	ck_assert_int_eq(get32(buf + 8), NT_GLASS_TASKS);
	ck_assert_int_eq(memcmp(buf + 12, "GLASS\0\0\0", 8), 0);
	ck_assert_int_eq(core_note_size(5, 336), 12 + 8 + 336);
	ck_assert_int_eq(core_note_size(6, 3), 12 + 8 + 4);
}
END_TEST

START_TEST(prstatus_holds_pid_signal_and_registers)
{
	unsigned char buf[512];
	struct gdb_regs r = { 0 };
	struct core_thread t = { .tid = 4194304, .sig = 11, .regs = &r };
	const unsigned char *d = buf + 20, *ur = d + 112;

	for (int i = 0; i < 16; i++)
		r.gpr[i] = 0x1000 + i;  /* rax rbx rcx rdx rsi rdi rbp rsp r8-r15 */
	r.rip = 0x403f82;
	r.eflags = 0x246;
	ck_assert_int_eq(core_note_prstatus(buf, &t), 20 + CORE_PRSTATUS_SIZE);
	ck_assert_int_eq(get32(buf), 5);
	ck_assert_int_eq(get32(buf + 4), CORE_PRSTATUS_SIZE);
	ck_assert_int_eq(get32(buf + 8), NT_PRSTATUS);
	ck_assert_str_eq((const char *)buf + 12, "CORE");
	ck_assert_int_eq(get32(d), 11);                 /* si_signo */
	ck_assert_int_eq(d[12], 11);                    /* pr_cursig */
	ck_assert_int_eq(get32(d + 32), 4194304);       /* pr_pid */
	/* user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx
	 * rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ... */
	ck_assert_int_eq(get64(ur + 0 * 8), 0x100f);    /* r15 */
	ck_assert_int_eq(get64(ur + 4 * 8), 0x1006);    /* rbp */
	ck_assert_int_eq(get64(ur + 5 * 8), 0x1001);    /* rbx */
	ck_assert_int_eq(get64(ur + 10 * 8), 0x1000);   /* rax */
	ck_assert_int_eq(get64(ur + 14 * 8), 0x1005);   /* rdi */
	ck_assert_int_eq(get64(ur + 15 * 8), (u64)-1);  /* orig_rax */
	ck_assert_int_eq(get64(ur + 16 * 8), 0x403f82); /* rip */
	ck_assert_int_eq(get64(ur + 17 * 8), 0x33);     /* cs */
	ck_assert_int_eq(get64(ur + 18 * 8), 0x246);    /* eflags */
	ck_assert_int_eq(get64(ur + 19 * 8), 0x1007);   /* rsp */
}
END_TEST

START_TEST(prpsinfo_and_names)
{
	unsigned char buf[256];
	struct core_task_name e;

	ck_assert_int_eq(core_note_prpsinfo(buf, 1234, "glass", "glass mem=64M"),
			 20 + CORE_PRPSINFO_SIZE);
	ck_assert_int_eq(get32(buf + 8), NT_PRPSINFO);
	ck_assert_int_eq(get32(buf + 20 + 24), 1234);
	ck_assert_str_eq((const char *)buf + 20 + 40, "glass");
	ck_assert_str_eq((const char *)buf + 20 + 56, "glass mem=64M");
	ck_assert_int_eq(sizeof(e), 32);
	core_task_name(&e, 7, "a-name-longer-than-sixteen", 'S');
	ck_assert_int_eq(e.tid, 7);
	ck_assert_int_eq(e.comm[15], 0);
	ck_assert_int_eq(memcmp(e.comm, "a-name-longer-t", 15), 0);
	ck_assert_int_eq(e.state, 'S');
}
END_TEST

/* A whole core with two threads and one segment, as core_dump writes
 * it, read back by readelf. */
START_TEST(readelf_reads_a_core)
{
	static unsigned char mem[8192] __attribute__((aligned(4096))) = "kernel memory";
	struct core_seg seg = { (u64)(unsigned long)mem, sizeof(mem), PF_R | PF_W };
	struct gdb_regs r = { .rip = 0x401000 };
	struct core_thread th[2] = { { 1, 11, &r }, { 4194304, 0, &r } };
	struct elf64_hdr eh;
	struct elf64_phdr ph[2];
	unsigned char note[512];
	struct core_task_name names[2];
	char path[] = "/tmp/test_core.XXXXXX", cmd[256], out[8192];
	u64 notes, size = core_layout(2, &seg, 1, &notes), off;
	int fd = mkstemp(path);
	FILE *p;
	size_t n;

	ck_assert_int_ge(fd, 0);
	core_ehdr(&eh, 2);
	core_phdr_note(&ph[0], notes, core_notes_size(2));
	core_phdr_load(&ph[1], &seg);
	ck_assert_int_eq(pwrite(fd, &eh, sizeof(eh), 0), sizeof(eh));
	ck_assert_int_eq(pwrite(fd, ph, sizeof(ph), sizeof(eh)), sizeof(ph));
	off = notes;
	n = core_note_prpsinfo(note, 99, "glass", "glass");
	ck_assert_int_eq(pwrite(fd, note, n, off), n);
	off += n;
	for (int i = 0; i < 2; i++) {
		n = core_note_prstatus(note, &th[i]);
		ck_assert_int_eq(pwrite(fd, note, n, off), n);
		off += n;
	}
	n = core_note_names_head(note, 2);
	core_task_name(&names[0], 1, "init", 'S');
	core_task_name(&names[1], 4194304, "swapper", 'R');
	memcpy(note + n, names, sizeof(names));
	n += sizeof(names);
	ck_assert_int_eq(pwrite(fd, note, n, off), n);
	ck_assert_int_eq(off + n, notes + core_notes_size(2));
	ck_assert_int_eq(pwrite(fd, mem, sizeof(mem), seg.offset), sizeof(mem));
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);

	snprintf(cmd, sizeof(cmd), "readelf -W -h -n -l %s 2>&1", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(out, "CORE (Core file)"));
	ck_assert_ptr_nonnull(strstr(out, "Advanced Micro Devices X86-64"));
	ck_assert_ptr_nonnull(strstr(out, "NOTE"));
	ck_assert_ptr_nonnull(strstr(out, "LOAD"));
	ck_assert_ptr_nonnull(strstr(out, "NT_PRPSINFO"));
	ck_assert_ptr_nonnull(strstr(strstr(out, "NT_PRSTATUS") + 1, "NT_PRSTATUS"));
	ck_assert_ptr_nonnull(strstr(out, "GLASS"));
	ck_assert_ptr_nonnull(strstr(out, "0x474c0001"));
	ck_assert_ptr_null(strstr(out, "Warning"));
	ck_assert_ptr_null(strstr(out, "Error"));
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		ehdr_is_an_x86_64_core, layout_puts_notes_after_headers_and_pages_aligned,
		program_headers, note_head_pads_the_name, prstatus_holds_pid_signal_and_registers,
		prpsinfo_and_names, readelf_reads_a_core,
	};
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
