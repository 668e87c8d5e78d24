/*
 * Function, file and line of an address inside a loaded module, from the
 * module's .ko on the host (its image_path), for the oops report. A .ko is
 * relocatable (ET_REL): libdwfl relocates its DWARF with the section
 * addresses the loader chose, asked for through the section_address
 * callback, as it does for Linux modules from /sys/module/NAME/sections.
 *
 * CPU thread only, in the fault path (libdw allocates). The last module
 * looked up stays open, so a backtrace through one module reads its .ko
 * once; it is keyed by path, place and the file's identity, so a module
 * reloaded from a rebuilt file at the same place is read again.
 *
 * Reading and relocating a .ko's DWARF takes more stack than a kernel
 * task has (64 KiB: a panic's backtrace runs on the task's stack, and the
 * first lookup overflowed it into the guard gap), so the lookup runs on a
 * stack of its own (swapcontext); one lookup at a time: a fault inside it
 * reports again without module lines rather than reuse the stack.
 */
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

#include <glass/os.h>
#include "os_internal.h"

static struct {
	Dwfl *dwfl;
	char path[256];
	unsigned long lo;
	struct stat st;
	os_section_addr_t section_addr;
	const void *ctx;
} last;

static int find_elf(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	*elfp = NULL;
	return open(last.path, O_RDONLY | O_CLOEXEC);
}

static int section_address(Dwfl_Module *mod, void **userdata, const char *modname,
			   Dwarf_Addr base, const char *secname, GElf_Word shndx,
			   const GElf_Shdr *shdr, Dwarf_Addr *addr)
{
	unsigned long a = last.section_addr(last.ctx, secname);

	*addr = a ? a : (Dwarf_Addr)-1;         /* -1: not loaded */
	return DWARF_CB_OK;
}

static const Dwfl_Callbacks module_callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = section_address,
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Open the .ko at path as a module placed in [lo, hi). */
static Dwfl *open_module(const char *name, const char *path, unsigned long lo, unsigned long hi,
			 os_section_addr_t section_addr, const void *ctx)
{
	struct stat st;

	if (stat(path, &st) || strlen(path) >= sizeof(last.path))
		return NULL;
	/* The context may be new even when the module is not. */
	last.section_addr = section_addr;
	last.ctx = ctx;
	if (last.dwfl && last.lo == lo && !strcmp(last.path, path) && same_file(&st, &last.st))
		return last.dwfl;
	if (last.dwfl)
		dwfl_end(last.dwfl);
	last.dwfl = dwfl_begin(&module_callbacks);
	if (!last.dwfl)
		return NULL;
	strcpy(last.path, path);
	last.lo = lo;
	last.st = st;
	dwfl_report_begin(last.dwfl);
	if (!dwfl_report_module(last.dwfl, name, lo, hi) ||
	    dwfl_report_end(last.dwfl, NULL, NULL)) {
		dwfl_end(last.dwfl);
		last.dwfl = NULL;
	}
	return last.dwfl;
}

static bool lookup(const char *name, const char *path, unsigned long lo, unsigned long hi,
		   os_section_addr_t section_addr, const void *ctx, unsigned long ip,
		   struct os_srcinfo *si)
{
	Dwfl *dwfl = open_module(name, path, lo, hi, section_addr, ctx);
	Dwfl_Module *mod;

	if (!dwfl || !(mod = dwfl_addrmodule(dwfl, ip)))
		return false;
	si->module = name;
	os_dwfl_srcinfo(mod, ip, si);
	return true;
}

static struct {
	const char *name, *path;
	unsigned long lo, hi, ip;
	os_section_addr_t section_addr;
	const void *ctx;
	struct os_srcinfo *si;
	bool found;
} job;
static char lookup_stack[1 << 20] __attribute__((aligned(16)));
static ucontext_t caller_uc, lookup_uc;
static bool busy;

static void lookup_entry(void)
{
	job.found = lookup(job.name, job.path, job.lo, job.hi, job.section_addr, job.ctx,
			   job.ip, job.si);
}

bool os_module_addr_info(const char *name, const char *path, unsigned long lo,
			 unsigned long hi, os_section_addr_t section_addr, const void *ctx,
			 unsigned long ip, struct os_srcinfo *si)
{
	memset(si, 0, sizeof(*si));
	if (busy || getcontext(&lookup_uc))
		return false;
	busy = true;
	job = (typeof(job)){ name, path, lo, hi, ip, section_addr, ctx, si, false };
	lookup_uc.uc_stack.ss_sp = lookup_stack;
	lookup_uc.uc_stack.ss_size = sizeof(lookup_stack);
	lookup_uc.uc_link = &caller_uc;
	makecontext(&lookup_uc, lookup_entry, 0);
	swapcontext(&caller_uc, &lookup_uc);
	busy = false;
	return job.found;
}
