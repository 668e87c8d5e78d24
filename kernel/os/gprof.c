/*
 * Host side of make PROFILE=1 (profiling/gprof.c): gprof's PC histogram,
 * kept by glibc's profil() (SIGPROF on ITIMER_PROF, which reaches only
 * the CPU thread: the monitor blocks it) in a buffer of ours, so the
 * kernel can write it whenever asked. glibc's own gmon state is hidden
 * in libc and written once at exit, which is why glass is linked without
 * -pg and keeps both halves of the profile itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glass/os.h>
#include <glass/profile_format.h>
#include "os_internal.h"

#ifdef GLASS_GPROF
/* One 16-bit counter per 4 bytes of text, as glibc's monstartup does
 * (HISTFRACTION 2). */
#define BIN 4

extern char __executable_start[], etext[];
extern int __profile_frequency(void);

static u16 *counts;
static unsigned long lowpc, nbins;

/* main(), first thing: boot is profiled too. */
static __attribute__((constructor)) void gprof_start(void)
{
	lowpc = (unsigned long)__executable_start & ~(BIN - 1UL);
	nbins = ((unsigned long)etext - lowpc + BIN - 1) / BIN;
	counts = calloc(nbins, sizeof(*counts));
	/* scale 0x8000: each 2-byte counter covers 4 bytes of text. */
	if (counts)
		profil((unsigned short *)counts, nbins * sizeof(*counts), lowpc, 0x8000);
}

int os_gprof_state(struct gmon_hist *h, const struct gmon_arc **arcs, u32 *nr_arcs)
{
	if (!counts)
		return -ENOMEM;
	h->lowpc = lowpc;
	h->highpc = lowpc + nbins * BIN;
	h->counts = counts;
	h->nr = nbins;
	h->rate = __profile_frequency();
	*arcs = gprof_arcs;
	*nr_arcs = gprof_nr_arcs;
	return 0;
}

void os_gprof_reset(void)
{
	if (counts)
		memset(counts, 0, nbins * sizeof(*counts));
	gprof_reset_arcs();
}
#else
int os_gprof_state(struct gmon_hist *h, const struct gmon_arc **arcs, u32 *nr_arcs)
{
	return -ENOSYS;
}

void os_gprof_reset(void)
{
}
#endif
