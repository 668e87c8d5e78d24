/*
 * Memory: copy-on-write, shared anonymous and file mappings, mprotect and
 * unmapped-address faults with the right si_code and si_addr, EFAULT from
 * syscalls (also for kernel addresses, read-only buffers and structs running
 * off a mapping), PROT_NONE, write-only and non-executable pages, code and
 * kernel-half faults, brk,
 * mmap/munmap/mremap, madvise(MADV_DONTNEED).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static int cow_global = 1;

static void t_cow(void)
{
	int p2c[2], c2p[2], st;
	char c;
	volatile int *heap = malloc(sizeof(int));
	volatile int *anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (pipe(p2c) || pipe(c2p) || anon == MAP_FAILED)
		return;
	cow_global = 1;
	*heap = 1;
	*anon = 1;
	pid_t pid = fork();
	if (pid == 0) {
		/* child writes first, then checks after the parent wrote */
		cow_global = 2;
		*heap = 2;
		*anon = 2;
		(void)!write(c2p[1], "w", 1);
		(void)!read(p2c[0], &c, 1);
		_exit(cow_global == 2 && *heap == 2 && *anon == 2 ? 0 : 1);
	}
	(void)!read(c2p[0], &c, 1);
	int before = cow_global == 1 && *heap == 1 && *anon == 1;
	cow_global = 3;
	*heap = 3;
	*anon = 3;
	(void)!write(p2c[1], "w", 1);
	waitpid(pid, &st, 0);
	CHECK("cow_parent_unchanged_by_child", before, "parent saw the child's write");
	CHECK("cow_child_unchanged_by_parent", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child status %#x", st);
	CHECK("cow_parent_keeps_own", cow_global == 3 && *heap == 3 && *anon == 3, "lost write");
	for (int i = 0; i < 4; i++)
		close(i < 2 ? p2c[i] : c2p[i - 2]);
	munmap((void *)anon, PAGE);
}

static void t_shared_anon(void)
{
	int st;
	volatile int *sh = mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (sh == MAP_FAILED) {
		FAIL("shared_anon", "mmap: %s", strerror(errno));
		return;
	}
	sh[0] = 0;
	pid_t pid = fork();
	if (pid == 0) {
		sh[0] = 0x1234;
		sh[PAGE / sizeof(int)] = 77; /* first touch of the second page in the child */
		while (sh[1] != 0x5678)
			usleep(1000);
		_exit(0);
	}
	while (sh[0] != 0x1234)
		usleep(1000);
	sh[1] = 0x5678;
	waitpid(pid, &st, 0);
	CHECK("shared_anon", sh[0] == 0x1234 && sh[PAGE / sizeof(int)] == 77 && WIFEXITED(st) &&
				  !WEXITSTATUS(st),
	      "values %#x %d status %#x", sh[0], sh[PAGE / sizeof(int)], st);
	munmap((void *)sh, PAGE * 2);
}

static void t_file_maps(void)
{
	char path[256], buf[16];
	int st;

	snprintf(path, sizeof(path), "%s/t_mem.%d", check_tmpdir(), getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		FAIL("file_map", "open %s: %s", path, strerror(errno));
		return;
	}
	char page[PAGE];
	memset(page, 'a', sizeof(page));
	(void)!write(fd, page, sizeof(page));

	char *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *pv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (sh == MAP_FAILED || pv == MAP_FAILED) {
		FAIL("file_map", "mmap: %s", strerror(errno));
		close(fd);
		unlink(path);
		return;
	}
	CHECK("file_map_reads_file", sh[0] == 'a' && pv[PAGE - 1] == 'a', "got %c %c", sh[0], pv[PAGE - 1]);
	memcpy(sh, "SHARED", 6);
	pread(fd, buf, 6, 0);
	CHECK("file_map_shared_write_reaches_file", !memcmp(buf, "SHARED", 6), "file has %.6s", buf);
	CHECK("file_map_private_sees_unmodified_page", pv[0] == 'S',
	      "private mapping of an untouched page shows %c", pv[0]);
	memcpy(pv + 100, "PRIV", 4);
	pread(fd, buf, 4, 100);
	CHECK("file_map_private_write_stays_private", !memcmp(buf, "aaaa", 4) && sh[100] == 'a',
	      "file has %.4s", buf);
	(void)!pwrite(fd, "FILE", 4, 200);
	CHECK("file_write_visible_in_shared_map", !memcmp(sh + 200, "FILE", 4), "map has %.4s", sh + 200);

	pid_t pid = fork();
	if (pid == 0) {
		memcpy(sh + 300, "CHILD", 5);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK("file_map_shared_across_fork", !memcmp(sh + 300, "CHILD", 5), "map has %.5s", sh + 300);
	msync(sh, PAGE, MS_SYNC);
	munmap(sh, PAGE);
	munmap(pv, PAGE);
	pread(fd, buf, 5, 300);
	CHECK("file_map_msync_munmap", !memcmp(buf, "CHILD", 5), "file has %.5s", buf);
	close(fd);
	unlink(path);
}

/* Bad addresses through volatiles, so the compiler cannot see them. */
static void *volatile addr1 = (void *)1, *volatile addr8 = (void *)8, *volatile addr16 = (void *)16;

static void *volatile kaddr = (void *)0xffff800000001000UL;
static const char ro_data[16] = "read-only";

/* Code to write to (and then still run). */
__attribute__((noinline)) static int t_faults_target(void)
{
	return 42;
}

static sigjmp_buf jb;
static volatile int seg_code;
static volatile void *seg_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	seg_code = si->si_code;
	seg_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void t_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);

	char *p = mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	mprotect(p, PAGE, PROT_READ);
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		*(volatile char *)(p + 123) = 2;
		FAIL("mprotect_segv_accerr", "write to a read-only page succeeded");
	} else {
		CHECK("mprotect_segv_accerr", seg_code == SEGV_ACCERR && seg_addr == p + 123,
		      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr, SEGV_ACCERR, p + 123);
	}
	CHECK("mprotect_read_still_works", p[0] == 1, "read %d", p[0]);
	mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	p[1] = 5;
	CHECK("mprotect_back_to_writable", p[1] == 5, "write lost");

	munmap(p + PAGE, PAGE);
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		(void)*(volatile char *)(p + PAGE + 8);
		FAIL("unmapped_segv_maperr", "read of an unmapped page succeeded");
	} else {
		CHECK("unmapped_segv_maperr", seg_code == SEGV_MAPERR && seg_addr == p + PAGE + 8,
		      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr, SEGV_MAPERR, p + PAGE + 8);
	}
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		*(volatile int *)addr16 = 1;
		FAIL("null_segv_maperr", "write to address 16 succeeded");
	} else {
		CHECK("null_segv_maperr", seg_code == SEGV_MAPERR && seg_addr == addr16,
		      "si_code %d si_addr %p", seg_code, seg_addr);
	}
	munmap(p, PAGE);

	/* PROT_NONE: mapped, but no access at all. */
	char *none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		(void)*(volatile char *)(none + 5);
		FAIL("prot_none_segv_accerr", "read of a PROT_NONE page succeeded");
	} else {
		CHECK("prot_none_segv_accerr", seg_code == SEGV_ACCERR && seg_addr == none + 5,
		      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr, SEGV_ACCERR, none + 5);
	}
	munmap(none, PAGE);

	/* Write-only is readable too on x86. */
	char *wo = mmap(NULL, PAGE, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK("write_only_readable", *(volatile char *)wo == 0, "read %d", *wo);
	wo[1] = 3;
	CHECK("write_only_write", *(volatile char *)(wo + 1) == 3, "read %d", wo[1]);
	munmap(wo, PAGE);

	/* Data is not code: executing a read-write page is a protection fault
	 * (NX). First in a child with a time limit, so a kernel that loops on
	 * the fault fails this check instead of hanging the program. */
	char *data = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int nx_st;
	data[0] = (char)0xc3;   /* ret */
	pid_t nx = fork();
	if (nx == 0) {
		signal(SIGSEGV, SIG_DFL);
		alarm(10);
		((void (*)(void))(uintptr_t)data)();
		_exit(0);
	}
	waitpid(nx, &nx_st, 0);
	CHECK("exec_nx_kills_child", WIFSIGNALED(nx_st) && WTERMSIG(nx_st) == SIGSEGV,
	      "status %#x (want SIGSEGV)", nx_st);
	if (WIFSIGNALED(nx_st) && WTERMSIG(nx_st) == SIGSEGV) {
		seg_code = 0;
		if (!sigsetjmp(jb, 1)) {
			((void (*)(void))(uintptr_t)data)();
			FAIL("exec_nx_segv_accerr", "a read-write page ran as code");
		} else {
			CHECK("exec_nx_segv_accerr", seg_code == SEGV_ACCERR && seg_addr == data,
			      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr,
			      SEGV_ACCERR, data);
		}
	}
	munmap(data, PAGE);

	/* Our own code is read-only. */
	char *text = (char *)(uintptr_t)&t_faults_target;
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		*(volatile char *)text = (char)0xc3;
		FAIL("text_write_segv_accerr", "write to the program's code succeeded");
	} else {
		CHECK("text_write_segv_accerr", seg_code == SEGV_ACCERR && seg_addr == text,
		      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr, SEGV_ACCERR, text);
	}
	CHECK("text_still_runs", t_faults_target() == 42, "code changed");

	/* The kernel half of the address space: no mapping for us there. */
	seg_code = 0;
	if (!sigsetjmp(jb, 1)) {
		(void)*(volatile char *)kaddr;
		FAIL("kernel_addr_segv", "read of %p succeeded", kaddr);
	} else {
		CHECK("kernel_addr_segv", seg_code == SEGV_MAPERR && seg_addr == kaddr,
		      "si_code %d si_addr %p (want %d %p)", seg_code, seg_addr, SEGV_MAPERR, kaddr);
	}
	signal(SIGSEGV, SIG_DFL);

	/* Default action of SIGSEGV, seen by the parent. */
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile int *)addr8 = 1;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK("segv_kills_child", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x", st);
}

static void t_efault(void)
{
	int p[2];
	ssize_t r = write(1, addr1, 10);
	CHECK("efault_write", r == -1 && errno == EFAULT, "write returned %zd errno %d", r, errno);
	if (pipe(p))
		return;
	(void)!write(p[1], "abc", 3);
	r = read(p[0], addr1, 3);
	CHECK("efault_read", r == -1 && errno == EFAULT, "read returned %zd errno %d", r, errno);
	r = syscall(SYS_open, addr8, O_RDONLY);
	CHECK("efault_path", r == -1 && errno == EFAULT, "open returned %zd errno %d", r, errno);
	struct timespec *bad = addr16;
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad);
	CHECK("efault_clock_gettime", r == -1 && errno == EFAULT, "returned %zd errno %d", r, errno);
	/* A kernel address, and a read-only buffer for the kernel to write. */
	r = write(1, kaddr, 10);
	CHECK("efault_kernel_addr", r == -1 && errno == EFAULT, "write returned %zd errno %d", r, errno);
	(void)!write(p[1], "xyz", 3);
	const char *volatile ro = ro_data;   /* so the compiler rereads it */
	r = read(p[0], (void *)ro, 3);
	CHECK("efault_read_into_readonly", r == -1 && errno == EFAULT && !strcmp(ro, "read-only"),
	      "read returned %zd errno %d, buffer now %.16s", r, errno, ro);
	/* A buffer running off the end of a mapping. */
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + PAGE, PAGE);
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, m + PAGE - 8);
	CHECK("efault_struct_past_mapping_end", r == -1 && errno == EFAULT, "returned %zd errno %d", r, errno);
	munmap(m, PAGE);
	close(p[0]);
	close(p[1]);
}

static void t_brk(void)
{
	uintptr_t cur = syscall(SYS_brk, 0);
	uintptr_t want = cur + 64 * 1024;
	uintptr_t got = syscall(SYS_brk, want);
	int ok = got == want;
	if (ok) {
		memset((void *)cur, 0x5a, want - cur);
		ok = ((volatile char *)cur)[want - cur - 1] == 0x5a;
	}
	uintptr_t back = syscall(SYS_brk, cur);
	CHECK("brk_grow_shrink", ok && back == cur, "brk %#lx -> %#lx (want %#lx), back %#lx",
	      (unsigned long)cur, (unsigned long)got, (unsigned long)want, (unsigned long)back);
	void *m = malloc(1 << 20);
	if (m)
		memset(m, 1, 1 << 20);
	CHECK("malloc_1M", m != NULL, "malloc failed");
	free(m);
}

static void t_mmap(void)
{
	char *p = mmap(NULL, PAGE * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zero = 1;

	for (int i = 0; i < PAGE * 3; i++)
		zero &= p[i] == 0;
	CHECK("mmap_anon_zeroed", zero, "fresh anonymous memory is not zero");
	for (int i = 0; i < 3; i++)
		p[i * PAGE] = 'A' + i;
	char *q = mremap(p, PAGE * 3, PAGE * 16, MREMAP_MAYMOVE);
	int kept = q != MAP_FAILED && q[0] == 'A' && q[PAGE] == 'B' && q[2 * PAGE] == 'C' &&
		   q[15 * PAGE] == 0;
	if (q != MAP_FAILED)
		q[15 * PAGE + 1] = 1;
	CHECK("mremap_grow_keeps_data", kept, "mremap %p", (void *)q);
	char *r = mremap(q, PAGE * 16, PAGE * 2, 0);
	CHECK("mremap_shrink", r == q && r[PAGE] == 'B', "mremap %p", (void *)r);
	CHECK("munmap", munmap(r, PAGE * 2) == 0, "munmap: %s", strerror(errno));

	/* MAP_FIXED over part of a mapping, then madvise(DONTNEED). */
	p = mmap(NULL, PAGE * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 7, PAGE * 4);
	char *f = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK("mmap_fixed_replaces", f == p + PAGE && f[0] == 0 && p[0] == 7 && p[2 * PAGE] == 7,
	      "got %p", (void *)f);
	madvise(p + 2 * PAGE, PAGE, MADV_DONTNEED);
	CHECK("madvise_dontneed_zeroes", p[2 * PAGE] == 0 && p[3 * PAGE] == 7,
	      "values %d %d", p[2 * PAGE], p[3 * PAGE]);
	munmap(p, PAGE * 4);

	/* A bigger mapping touched page by page. */
	size_t big = 8 << 20;
	char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long sum = 0;
	for (size_t i = 0; i < big; i += PAGE)
		b[i] = 1;
	for (size_t i = 0; i < big; i += PAGE)
		sum += b[i];
	CHECK("mmap_8M_touch", sum == big / PAGE, "sum %lu", sum);
	munmap(b, big);
}

int main(void)
{
	t_cow();
	t_shared_anon();
	t_file_maps();
	t_faults();
	t_efault();
	t_brk();
	t_mmap();
	return check_done();
}
