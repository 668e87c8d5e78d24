/* Unit tests for syscall patching's instruction bytes
 * (kernel/arch/x86_64/syscall_insn.c): the encodings are checked byte by
 * byte and then run on the host, with a stand-in for the stub's syscall
 * entry at its real address. */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glass/layout.h>
#include <glass/syscall_patch.h>
#include "check_run.h"

START_TEST(test_match)
{
	static const u8 getppid[] = { 0xb8, 0x6e, 0, 0, 0, 0x0f, 0x05 };
	u8 b[SC_SITE_LEN];

	ck_assert(sc_site_match(getppid, 110));
	ck_assert(!sc_site_match(getppid, 111));
	memcpy(b, getppid, sizeof(b));
	b[0] = 0xb9;                    /* mov $nr, %ecx */
	ck_assert(!sc_site_match(b, 110));
	memcpy(b, getppid, sizeof(b));
	b[6] = 0x34;                    /* sysenter */
	ck_assert(!sc_site_match(b, 110));
	sc_site_original(b, 110);
	ck_assert_mem_eq(b, getppid, sizeof(b));
	sc_site_original(b, 0x12345678);
	ck_assert(sc_site_match(b, 0x12345678));
}
END_TEST

/* jmp *slot, and byte 5 (the old syscall's first byte) is 0x06. */
START_TEST(test_site)
{
	static const u8 slot3[] = { 0xff, 0x24, 0x25, 0x18, 0x00, 0x06, 0x00 };
	u8 b[SC_SITE_LEN];

	sc_site_encode(b, 3);
	ck_assert_mem_eq(b, slot3, sizeof(b));
	ck_assert(sc_site_patched(b, 3));
	ck_assert(!sc_site_patched(b, 4));
	for (unsigned int slot = 0; slot < SC_MAX_SITES; slot++) {
		sc_site_encode(b, slot);
		ck_assert_uint_eq(b[5], 0x06);
		ck_assert_uint_eq(b[6], 0x00);
		ck_assert(sc_site_patched(b, slot));
		ck_assert(!sc_site_match(b, 110));
	}
	ck_assert(SC_REGION_END <= 0x70000 && SC_TRAMPS < 0x70000);
}
END_TEST

START_TEST(test_tramp)
{
	u8 t[SC_TRAMP_SIZE];
	u64 entry = 0;

	sc_tramp_encode(t, 39, 0x401234);
	ck_assert_uint_eq(t[0], 0xb8);
	ck_assert_uint_eq(t[1], 39);
	ck_assert_uint_eq(t[5], 0x48);
	ck_assert_uint_eq(t[6], 0xb9);
	ck_assert_uint_eq(t[7], 0x34);
	ck_assert_uint_eq(t[8], 0x12);
	ck_assert_uint_eq(t[9], 0x40);
	ck_assert_uint_eq(t[15], 0xff);
	ck_assert_uint_eq(t[16], 0x25);
	memcpy(&entry, t + 21, 8);
	ck_assert_uint_eq(entry, STUB_SYSCALL_ENTRY);
	ck_assert_uint_eq(t[SC_TRAMP_SIZE - 1], 0xcc);
}
END_TEST

/*
 * Run a patched site: the region at SC_REGION as patch() fills it, the
 * site in a page of its own followed by a ret, and at STUB_SYSCALL_ENTRY
 * a stand-in that keeps eax and rcx and returns to rcx.
 */
#define REC (STUB_CODE + 0x800)         /* the stand-in's record: rax, rcx */

static void *map_at(unsigned long addr, size_t len)
{
	void *p = mmap((void *)addr, len, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	return p == (void *)addr ? p : NULL;
}

START_TEST(test_run)
{
	/* mov %rax, REC; mov %rcx, REC+8 (movabs moffs64 needs rax: xchg);
	 * jmp *%rcx */
	u8 stand_in[] = {
		0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0,     /* movabs %rax, REC */
		0x48, 0x91,                             /* xchg %rax, %rcx */
		0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0,     /* movabs %rax, REC+8 */
		0x48, 0x91,                             /* xchg back */
		0xff, 0xe1,                             /* jmp *%rcx */
	};
	u64 rec = REC, rec8 = REC + 8, ptr, *got = (u64 *)REC;
	u8 *region, *stub, *code;
	unsigned int slot = 5;
	long (*fn)(void);

	region = map_at(SC_REGION, SC_REGION_END - SC_REGION);
	stub = map_at(STUB_CODE, 4096);
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!region || !stub || code == MAP_FAILED)
		ck_abort_msg("cannot map the test's pages (host layout)");
	memcpy(stand_in + 2, &rec, 8);
	memcpy(stand_in + 14, &rec8, 8);
	memcpy(stub + STUB_SYSCALL_ENTRY_OFF, stand_in, sizeof(stand_in));

	sc_site_original(code, 110);
	code[SC_SITE_LEN] = 0xc3;       /* ret */
	ptr = SC_TRAMPS + slot * SC_TRAMP_SIZE;
	sc_tramp_encode(region + (ptr - SC_REGION), 110, (u64)code + SC_SITE_LEN);
	memcpy(region + 8 * slot, &ptr, 8);
	sc_site_encode(code, slot);

	fn = (long (*)(void))code;
	got[0] = got[1] = 0;
	fn();
	ck_assert_uint_eq(got[0], 110);
	ck_assert_uint_eq(got[1], (u64)code + SC_SITE_LEN);

	/* Reaching the old syscall instruction faults on 0x06. */
	pid_t pid = fork();
	if (pid == 0) {
		((void (*)(void))(code + 5))();
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
	munmap(region, SC_REGION_END - SC_REGION);
	munmap(stub, 4096);
	munmap(code, 4096);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("syscall_insn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_site);
	tcase_add_test(tc, test_tramp);
	tcase_add_test(tc, test_run);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
