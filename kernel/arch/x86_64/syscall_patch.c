/*
 * Trap-free guest syscalls. A syscall the stub traps (seccomp's SIGSYS,
 * a host signal delivery: most of a guest syscall's cost) from a site
 * `mov $nr,%eax; syscall` that already trapped once in this mm is
 * rewritten, as a debugger writes a breakpoint (the text page becomes the
 * mm's own copy), into `jmp *slot`. The slot, in a region this file maps
 * into the mm at SC_REGION, points at the site's trampoline there, which
 * loads eax and rcx as the syscall instruction would and jumps to the
 * stub's syscall entry: no host syscall, no signal, one hand-off.
 *
 * What must stay true of a syscall:
 *   - A thread stopped between the mov and the syscall, or code jumping
 *     to the syscall instruction with an eax of its own, finds byte 0x06
 *     there (SC_REGION's choice) and traps with SIGILL: that stop is the
 *     syscall, with the eax it has.
 *   - A single step over the jmp stops at the trampoline's first byte: that
 *     stop is the syscall too, which ends the step at the return address,
 *     as a step over the syscall instruction does.
 *   - A guest that unmaps, replaces, protects, advises or moves the region
 *     gets every site's original bytes back first, and the mm patches no
 *     more: a patched site never jumps through a slot the guest changed.
 *   - Every other reader of the mm (ptrace, /proc/PID/mem,
 *     process_vm_readv) sees the original bytes, and a write into a site
 *     restores it first; the site is never patched again after that.
 * The sites live with the mm: copied at fork, dropped at exec.
 */
#include <glass/init.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/sched.h>
#include <glass/string.h>
#include <glass/syscall_patch.h>
#include <uapi/signal.h>

unsigned long syscall_patched;
unsigned long syscall_entries;
unsigned long syscall_fixups;

#define SC_SEEN 64              /* sites that trapped: a hash */
#define SC_PATCH_AT 2           /* the trap that patches a site */
#define SC_DEAD (~0U)           /* site.nr of a site a debugger unpatched */
#define X86_EFLAGS_RF 0x10000UL /* in a fault's flags, never in pushfq's */

struct sc_site {
	u64 ret;                /* the address after the site */
	u32 nr;
};

struct syscall_patch {
	struct {
		u64 ret;
		u32 traps;
	} seen[SC_SEEN];
	bool off;               /* no more patches: the region's place was
				 * taken, or the guest changed the region */
	unsigned int nr_sites, max_sites;
	struct sc_site *site;   /* by slot */
};

static struct syscall_patch *sc_get(struct mm_struct *mm)
{
	if (!mm->sc)
		mm->sc = kzalloc(sizeof(*mm->sc), GFP_KERNEL);
	return mm->sc;
}

/* The patcher's own accesses: not the debugger's view. */
static bool sc_write(struct mm_struct *mm, unsigned long addr, const void *buf,
		     unsigned long len)
{
	return access_remote_vm(mm, addr, (void *)buf, len,
				FOLL_FORCE | FOLL_WRITE | FOLL_PATCH) == (long)len;
}

static bool sc_read(struct mm_struct *mm, unsigned long addr, void *buf,
		    unsigned long len)
{
	return access_remote_vm(mm, addr, buf, len, FOLL_PATCH) == (long)len;
}

/* Map the region into current's mm (read and execute only; a guest
 * mapping there first keeps it, and its syscalls trap). */
static int region_map(void)
{
	long r = do_mmap(NULL, SC_REGION, SC_REGION_END - SC_REGION, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);

	if (r < 0)
		return (int)r;
	find_vma(current->mm, SC_REGION)->vm_flags |= VM_SYSCALL_TRAMP;
	return 0;
}

/* A private, executable, read-only mapping holds the whole site. */
static struct vm_area_struct *site_vma(struct mm_struct *mm, unsigned long site)
{
	struct vm_area_struct *vma = find_vma(mm, site);

	if (vma && vma->vm_start <= site && site + SC_SITE_LEN <= vma->vm_end &&
	    (vma->vm_flags & VM_EXEC) && !(vma->vm_flags & (VM_WRITE | VM_SHARED)))
		return vma;
	return NULL;
}

/* The byte before the mov, when the mapping has one: a prefix (REX:
 * `41 b8` is mov to r8d; 66: a 16-bit mov) makes the bytes another
 * instruction. */
static bool prefixed(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long site)
{
	u8 b;

	if (site == vma->vm_start || !sc_read(mm, site - 1, &b, 1))
		return false;
	return (b & 0xf0) == 0x40 || b == 0x66;
}

static void patch(struct mm_struct *mm, struct syscall_patch *sp, u64 ret, u32 nr)
{
	unsigned long site = ret - SC_SITE_LEN;
	u8 code[SC_SITE_LEN], tramp[SC_TRAMP_SIZE];
	unsigned int slot = sp->nr_sites;
	u64 ptr = SC_TRAMPS + (u64)slot * SC_TRAMP_SIZE;
	struct vm_area_struct *vma;

	if (slot == SC_MAX_SITES || ret < SC_SITE_LEN || !(vma = site_vma(mm, site)) ||
	    !sc_read(mm, site, code, sizeof(code)) || !sc_site_match(code, nr) ||
	    prefixed(mm, vma, site))
		return;
	if (slot == sp->max_sites) {
		unsigned int max = sp->max_sites ? 2 * sp->max_sites : 16;
		struct sc_site *s = krealloc(sp->site, max * sizeof(*s), GFP_KERNEL);

		if (!s)
			return;
		sp->site = s;
		sp->max_sites = max;
	}
	if (!slot && region_map()) {
		sp->off = true;
		return;
	}
	sc_tramp_encode(tramp, nr, ret);
	if (!sc_write(mm, ptr, tramp, sizeof(tramp)) ||
	    !sc_write(mm, SC_REGION + 8 * slot, &ptr, sizeof(ptr)))
		return;
	sc_site_encode(code, slot);
	if (!sc_write(mm, site, code, sizeof(code)))
		return;
	sp->site[slot] = (struct sc_site){ .ret = ret, .nr = nr };
	sp->nr_sites++;
	syscall_patched++;
}

/*
 * A syscall that trapped (regs->ip is its return address): patch its
 * site the second time it traps. A site that could not be patched then
 * is not tried again while it stays in the hash.
 */
void syscall_patch_trapped(struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	struct syscall_patch *sp;
	u64 ret = regs->ip;
	unsigned int h;

	if (!boot.syscall_patch || regs->orig_ax >= SC_MAX_NR)
		return;
	sp = sc_get(mm);
	if (!sp || sp->off)
		return;
	h = (unsigned int)((ret ^ ret >> 7 ^ ret >> 13) % SC_SEEN);
	if (sp->seen[h].ret != ret) {
		sp->seen[h].ret = ret;
		sp->seen[h].traps = 1;
		return;
	}
	if (sp->seen[h].traps++ != SC_PATCH_AT - 1)
		return;
	patch(mm, sp, ret, (u32)regs->orig_ax);
}

/* The live site whose patched bytes are at ret - SC_SITE_LEN in mm. */
static struct sc_site *site_at(struct mm_struct *mm, u64 ret)
{
	struct syscall_patch *sp = mm->sc;
	u8 code[SC_SITE_LEN];

	for (unsigned int i = 0; sp && i < sp->nr_sites; i++) {
		if (sp->site[i].ret != ret || sp->site[i].nr == SC_DEAD)
			continue;
		if (!sc_read(mm, ret - SC_SITE_LEN, code, sizeof(code)) ||
		    !sc_site_patched(code, i))
			return NULL;
		return &sp->site[i];
	}
	return NULL;
}

/* Is the trampoline at addr the one patch() wrote for its slot? */
static struct sc_site *tramp_at(struct mm_struct *mm, u64 addr)
{
	struct syscall_patch *sp = mm->sc;
	u8 want[SC_TRAMP_SIZE], have[SC_TRAMP_SIZE];
	unsigned long slot = (addr - SC_TRAMPS) / SC_TRAMP_SIZE;
	struct sc_site *s;

	if (addr < SC_TRAMPS || addr >= SC_REGION_END || (addr - SC_TRAMPS) % SC_TRAMP_SIZE ||
	    slot >= sp->nr_sites || sp->site[slot].nr == SC_DEAD)
		return NULL;
	s = &sp->site[slot];
	sc_tramp_encode(want, s->nr, s->ret);
	if (!sc_read(mm, addr, have, sizeof(have)) || memcmp(want, have, sizeof(have)))
		return NULL;
	return s;
}

/*
 * A stop that is a patched site's syscall (the file comment's first two
 * cases): set the registers as the syscall instruction would have and
 * return true; the caller runs the syscall. Page faults are never one:
 * the region changes only after every site is restored.
 */
bool syscall_patch_fixup(const struct guest_stop *stop, struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	struct sc_site *s = NULL;
	u64 nr = 0;

	if (!mm->sc || !mm->sc->nr_sites)
		return false;
	switch (stop->signo) {
	case SIGILL:            /* at the old syscall instruction, site + 5 */
		s = site_at(mm, regs->ip + 2);
		nr = regs->ax;
		break;
	case SIGTRAP:           /* a step over the jmp */
		s = tramp_at(mm, regs->ip);
		nr = s ? s->nr : 0;
		break;
	}
	if (!s)
		return false;
	regs->orig_ax = nr;
	regs->ax = (u64)-ENOSYS;
	regs->ip = s->ret;
	regs->cx = s->ret;
	regs->r11 = regs->flags & ~X86_EFLAGS_RF;       /* as rflags reads */
	syscall_fixups++;
	return true;
}

/* Does live site i have a byte in [addr, addr + len)? */
static bool site_in(const struct syscall_patch *sp, unsigned int i, unsigned long addr,
		    unsigned long len)
{
	unsigned long site = sp->site[i].ret - SC_SITE_LEN;

	return sp->site[i].nr != SC_DEAD && site < addr + len && site + SC_SITE_LEN > addr;
}

/*
 * Any other stop (a tick, a signal) inside a trampoline, or at the stub's
 * entry before it ran: as far as the guest can tell, it is between its
 * site's mov and syscall. Put it there, so that a signal frame, a tracer
 * or a core shows the guest's own code: at the site's first byte if the
 * trampoline has not begun, else at the old syscall byte with eax the
 * number (its SIGILL is the syscall; rcx is the syscall's to clobber).
 */
void syscall_patch_rewind(struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	struct sc_site *s;
	u64 off;

	if (!mm->sc || !mm->sc->nr_sites)
		return;
	if (regs->ip == STUB_SYSCALL_ENTRY) {
		s = site_at(mm, regs->cx);
		if (s && regs->ax == s->nr)
			regs->ip = s->ret - 2;
		return;
	}
	if (regs->ip < SC_TRAMPS || regs->ip >= SC_REGION_END)
		return;
	off = (regs->ip - SC_TRAMPS) % SC_TRAMP_SIZE;
	s = tramp_at(mm, regs->ip - off);
	if (!s)
		return;
	if (!off) {
		regs->ip = s->ret - SC_SITE_LEN;
	} else if (off == 5 || off == 15) {     /* after the mov, the movabs */
		regs->ip = s->ret - 2;
		regs->ax = s->nr;
	}
}

/* Another's read of [addr, addr + len) into buf (a debugger's, the
 * kernel's, process_vm_readv): the original bytes wherever the bytes of a
 * patched site are (the guest may have written others there since). */
void syscall_patch_hide(struct mm_struct *mm, unsigned long addr, void *buf,
			unsigned long len)
{
	struct syscall_patch *sp = mm->sc;
	u8 orig[SC_SITE_LEN], code[SC_SITE_LEN], *b = buf;

	for (unsigned int i = 0; sp && i < sp->nr_sites; i++) {
		unsigned long site = sp->site[i].ret - SC_SITE_LEN;
		unsigned int j, from, to;

		if (!site_in(sp, i, addr, len))
			continue;
		from = site < addr ? addr - site : 0;
		to = site + SC_SITE_LEN > addr + len ? addr + len - site : SC_SITE_LEN;
		sc_site_encode(code, i);
		for (j = from; j < to && b[site + j - addr] == code[j]; j++)
			;
		if (j < to)
			continue;
		sc_site_original(orig, sp->site[i].nr);
		for (j = from; j < to; j++)
			b[site + j - addr] = orig[j];
	}
}

/* Before another's write of [addr, addr + len): the sites it touches
 * get their original bytes back (where they are still patched), for good. */
void syscall_patch_unpatch(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct syscall_patch *sp = mm->sc;
	u8 code[SC_SITE_LEN];

	for (unsigned int i = 0; sp && i < sp->nr_sites; i++) {
		unsigned long site = sp->site[i].ret - SC_SITE_LEN;

		if (!site_in(sp, i, addr, len))
			continue;
		if (sc_read(mm, site, code, sizeof(code)) && sc_site_patched(code, i)) {
			sc_site_original(code, sp->site[i].nr);
			sc_write(mm, site, code, sizeof(code));
		}
		sp->site[i].nr = SC_DEAD;
	}
}

/*
 * The guest is about to unmap, replace, protect, advise or move
 * [addr, addr + len) of mm: if that touches the region, every site gets
 * its original bytes back and the mm patches no more (its slots and
 * trampolines would be the guest's to change).
 */
void syscall_patch_region_change(struct mm_struct *mm, unsigned long addr,
				 unsigned long len)
{
	struct syscall_patch *sp = mm->sc;

	if (!sp || sp->off || !len || addr >= SC_REGION_END ||
	    (addr < SC_REGION && len <= SC_REGION - addr))
		return;
	sp->off = true;
	syscall_patch_unpatch(mm, 0, ~0UL);
}

int syscall_patch_dup(struct mm_struct *old, struct mm_struct *new)
{
	struct syscall_patch *sp = old->sc, *np;

	if (!sp)
		return 0;
	np = kmemdup(sp, sizeof(*sp), GFP_KERNEL);
	if (!np)
		return -ENOMEM;
	np->site = NULL;
	if (sp->max_sites) {
		np->site = kmemdup(sp->site, sp->max_sites * sizeof(*sp->site), GFP_KERNEL);
		if (!np->site) {
			kfree(np);
			return -ENOMEM;
		}
	}
	new->sc = np;
	return 0;
}

void syscall_patch_free(struct mm_struct *mm)
{
	if (!mm->sc)
		return;
	kfree(mm->sc->site);
	kfree(mm->sc);
	mm->sc = NULL;
}
