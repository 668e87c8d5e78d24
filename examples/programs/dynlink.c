/*
 * dynlink: what a dynamically linked glibc program needs from exec and
 * the mm, checked from the inside. Built dynamic only (the Makefile's
 * $(PB)/dynamic/); tests/integration/dynamic.sh runs it natively and in
 * Glass and compares the PASS lines.
 *   auxv: AT_BASE (ld.so's load address, in /proc/self/maps), AT_PHDR
 *   and AT_ENTRY (the program's own), AT_RANDOM, AT_EXECFN, AT_PLATFORM,
 *   AT_PAGESZ, AT_SECURE; /proc/self/exe; the loaded objects
 *   (dl_iterate_phdr) and their file mappings; RELRO read-only after
 *   relocation; dlopen of libz (or libm) and a call into it; TLS in
 *   threads (static and dynamic TLS of a dlopen'ed library's errno-like
 *   use); a signal handler and sigsetjmp/siglongjmp out of a SIGSEGV.
 */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "check.h"

extern char _start[];

/* The line of /proc/self/maps that holds addr, or "" (in buf). */
static const char *maps_line(unsigned long addr, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");

	buf[0] = '\0';
	if (!f)
		return buf;
	while (fgets(buf, size, f)) {
		unsigned long lo, hi;

		if (sscanf(buf, "%lx-%lx", &lo, &hi) == 2 && lo <= addr && addr < hi) {
			fclose(f);
			return buf;
		}
	}
	fclose(f);
	buf[0] = '\0';
	return buf;
}

static void check_auxv(const char *argv0)
{
	char line[512];
	unsigned long base = getauxval(AT_BASE), phdr = getauxval(AT_PHDR);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *platform = (const char *)getauxval(AT_PLATFORM);
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)phdr;
	int nonzero = 0;

	CHECK("auxv AT_BASE is ld.so", base && strstr(maps_line(base, line, sizeof(line)), "ld-linux"),
	      "AT_BASE %#lx maps to '%s'", base, line);
	CHECK("auxv AT_ENTRY is _start", getauxval(AT_ENTRY) == (unsigned long)_start,
	      "%#lx vs %p", getauxval(AT_ENTRY), (void *)_start);
	CHECK("auxv AT_PHDR has PT_PHDR first", ph && ph[0].p_type == PT_PHDR &&
	      getauxval(AT_PHNUM) > 2 && getauxval(AT_PHENT) == sizeof(ElfW(Phdr)),
	      "AT_PHDR %#lx", phdr);
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	CHECK("auxv AT_RANDOM", rnd && nonzero, "16 bytes at %p", (void *)rnd);
	CHECK("auxv AT_EXECFN", execfn && !strcmp(execfn, argv0), "'%s' vs '%s'",
	      execfn ? execfn : "(null)", argv0);
	CHECK("auxv AT_PLATFORM", platform && !strcmp(platform, "x86_64"), "'%s'",
	      platform ? platform : "(null)");
	CHECK("auxv AT_PAGESZ", getauxval(AT_PAGESZ) == 4096, "%lu", getauxval(AT_PAGESZ));
	CHECK("auxv AT_SECURE", getauxval(AT_SECURE) == 0, "%lu", getauxval(AT_SECURE));
	CHECK("auxv AT_HWCAP", getauxval(AT_HWCAP) != 0, "0");
}

static void check_exe(const char *argv0)
{
	char exe[4096], want[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	CHECK("/proc/self/exe", realpath(argv0, want) && !strcmp(exe, want), "'%s' vs '%s'",
	      exe, want);
}

struct objects {
	int n, libc, ld;
};

static int count_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct objects *o = arg;

	o->n++;
	o->libc |= strstr(info->dlpi_name, "libc.so") != NULL;
	o->ld |= strstr(info->dlpi_name, "ld-linux") != NULL;
	return 0;
}

/* The loaded objects, and libc's text a private mapping of libc.so. */
static void check_objects(void)
{
	struct objects o = { 0 };
	char line[512];

	dl_iterate_phdr(count_object, &o);
	CHECK("dl_iterate_phdr sees libc and ld.so", o.n >= 3 && o.libc && o.ld,
	      "%d objects, libc %d, ld.so %d", o.n, o.libc, o.ld);
	maps_line((unsigned long)&printf, line, sizeof(line));
	CHECK("libc text mapped r-xp from libc.so", strstr(line, "r-xp") && strstr(line, "libc.so"),
	      "'%s'", line);
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
	siglongjmp(fault_jmp, 1);
}

/* After relocation ld.so mprotects PT_GNU_RELRO read-only: a write there
 * faults (caught here), and the page reads back unchanged. */
static void check_relro(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long bias = getauxval(AT_PHDR) - ph[0].p_vaddr;
	volatile unsigned long *volatile relro = NULL;
	struct sigaction sa = { .sa_handler = on_segv }, old;
	char line[512];
	unsigned long before;

	for (unsigned i = 0; i < getauxval(AT_PHNUM); i++)
		if (ph[i].p_type == PT_GNU_RELRO)
			relro = (unsigned long *)(bias + ph[i].p_vaddr);
	if (!relro) {
		FAIL("relro read-only", "no PT_GNU_RELRO");
		return;
	}
	maps_line((unsigned long)relro, line, sizeof(line));
	CHECK("relro mapped r--p", strstr(line, " r--p ") != NULL, "'%s'", line);
	before = *relro;
	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(fault_jmp, 1)) {
		*relro = before + 1;
		FAIL("relro write faults", "the write went through");
	} else {
		PASS("relro write faults");
	}
	sigaction(SIGSEGV, &old, NULL);
	CHECK("relro unchanged", *relro == before, "changed");
}

/* dlopen libraries the program is not linked with, call into them. */
static void check_dlopen(void)
{
	void *z = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	void *m;

	if (z) {
		const char *(*zver)(void) = (const char *(*)(void))dlsym(z, "zlibVersion");
		unsigned long (*crc)(unsigned long, const unsigned char *, unsigned) =
			(unsigned long (*)(unsigned long, const unsigned char *, unsigned))
				dlsym(z, "crc32");

		CHECK("dlopen libz: zlibVersion", zver && zver()[0] == '1', "no zlibVersion");
		CHECK("dlopen libz: crc32", crc && crc(0, (const unsigned char *)"glass", 5) ==
		      0x18cbbf5fUL, "crc32 %#lx", crc ? crc(0, (const unsigned char *)"glass", 5) : 0);
		CHECK("dlclose libz", dlclose(z) == 0, "%s", dlerror());
	} else {
		FAIL("dlopen libz", "%s", dlerror());
	}
	m = dlopen("libm.so.6", RTLD_NOW);
	if (m) {
		double (*cbrt_fn)(double) = (double (*)(double))dlsym(m, "cbrt");

		double r = cbrt_fn ? cbrt_fn(27.0) : 0;

		CHECK("dlopen libm: cbrt", r > 2.999999 && r < 3.000001, "cbrt(27) = %g", r);
		dlclose(m);
	} else {
		FAIL("dlopen libm", "%s", dlerror());
	}
	CHECK("dlopen of a missing library fails", !dlopen("libnosuch-glass.so.9", RTLD_NOW),
	      "it loaded");
}

static __thread int tls_counter = 7;
static __thread char tls_buf[64];

static void *tls_thread(void *arg)
{
	long id = (long)arg;

	if (tls_counter != 7 || tls_buf[0])
		return (void *)1;
	tls_counter = (int)id;
	snprintf(tls_buf, sizeof(tls_buf), "thread %ld", id);
	usleep(1000);
	return (void *)(long)(tls_counter != (int)id || atoi(tls_buf + 7) != id);
}

/* Each thread sees its own TLS, initialised from the template. */
static void check_threads_tls(void)
{
	pthread_t t[8];
	int bad = 0;

	tls_counter = 99;
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, tls_thread, (void *)(i + 100));
	for (int i = 0; i < 8; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	CHECK("threads: TLS per thread", bad == 0 && tls_counter == 99, "%d bad", bad);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = sig;
}

static void check_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t set;
	int sig = 0;

	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	CHECK("signal handler runs", got_usr1 == SIGUSR1, "got %d", (int)got_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR2);
	CHECK("sigwait a blocked signal", sigwait(&set, &sig) == 0 && sig == SIGUSR2, "sig %d",
	      sig);
}

static void check_getrandom(void)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };

	CHECK("getrandom", getrandom(a, sizeof(a), 0) == sizeof(a) &&
	      getrandom(b, sizeof(b), GRND_NONBLOCK) == sizeof(b) && memcmp(a, b, sizeof(a)),
	      "%s", strerror(errno));
}

int main(int argc, char **argv)
{
	check_auxv(argv[0]);
	check_exe(argv[0]);
	check_objects();
	check_relro();
	check_dlopen();
	check_threads_tls();
	check_signals();
	check_getrandom();
	return check_done();
}
