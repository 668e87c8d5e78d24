/*
 * The sampling profiler: `profile start|stop|status|dump`. A host timer
 * (kernel/os/profile.c) samples the CPU thread; its samples are collected
 * here, on the CPU thread, while current is still the task they belong to
 * (glass/profile.h), and aggregated as stacks of names: the task's
 * command, its user functions (from the registers it entered the kernel
 * or stopped with, the guest program's symbol table, and its frame
 * pointers when it keeps them), then "[kernel]" and the kernel functions
 * (kallsyms; a module's functions tagged with the module's name).
 * Names are resolved when a sample is collected, since programs exit and
 * modules unload before a dump. Nothing is allocated per sample: the
 * tables are allocated once, at the first start.
 */
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/profile.h>
#include <glass/sched.h>
#include <glass/string.h>
#include <glass/symbols.h>
#include <glass/timer.h>
#include <glass/uaccess.h>
#include <glass/usersyms.h>
#include <glass/mm.h>
#include <glass/errno.h>
#include "internal.h"

#define MAX_NAMES 16384
#define NAME_POOL (1U << 20)
#define MAX_STACKS 16384
#define MAX_FRAMES (1U << 19)
#define HASH_SLOTS 32768        /* for names and for stacks; a power of two */
#define USER_DEPTH 32
#define MAX_DEPTH (2 + USER_DEPTH + OS_SAMPLE_DEPTH)

struct profile {
	const char *names[MAX_NAMES];
	u8 kinds[MAX_NAMES];
	u32 nr_names;
	u32 name_slot[HASH_SLOTS];      /* name id + 1, 0: free */
	char pool[NAME_POOL];
	u32 pool_used;
	struct prof_stack stacks[MAX_STACKS + 1];  /* + idle's, at dump */
	u32 stack_hash[MAX_STACKS];
	u32 stack_slot[HASH_SLOTS];     /* stack index + 1 */
	u32 nr_stacks;
	u32 frames[MAX_FRAMES + 1];
	u32 nr_frames;
};

/* The module loader (kernel/module/) may not be linked in: then no
 * address is in a module. */
extern struct module *__module_address(unsigned long addr) __attribute__((weak));

static struct profile *prof;
static struct prof_args cur;
static bool running;
static u64 started_ns, run_ns;         /* kernel time: stops excluded */
static u64 samples, lost, collect_ns, guest_stops;
static u32 idle_id, kernel_id, unknown_id, host_id;

static u32 hash_bytes(u32 h, const void *p, size_t n)
{
	const u8 *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619U;     /* FNV-1a */
	return h;
}

/* The id of name (copied into the pool the first time), or -1: full. */
static long intern(const char *name, enum prof_kind kind)
{
	size_t len = strlen(name);
	u32 h = hash_bytes(2166136261U + kind, name, len), s = h & (HASH_SLOTS - 1);

	for (;; s = (s + 1) & (HASH_SLOTS - 1)) {
		u32 id = prof->name_slot[s];

		if (!id)
			break;
		if (prof->kinds[id - 1] == kind && !strcmp(prof->names[id - 1], name))
			return id - 1;
	}
	if (prof->nr_names == MAX_NAMES || prof->pool_used + len + 1 > NAME_POOL)
		return -1;
	memcpy(prof->pool + prof->pool_used, name, len + 1);
	prof->names[prof->nr_names] = prof->pool + prof->pool_used;
	prof->kinds[prof->nr_names] = kind;
	prof->pool_used += len + 1;
	prof->name_slot[s] = ++prof->nr_names;
	return prof->nr_names - 1;
}

/* Count one sample of the stack fr[0..n). */
static void add_stack(const u32 *fr, u32 n)
{
	u32 h = hash_bytes(2166136261U, fr, n * sizeof(*fr)), s = h & (HASH_SLOTS - 1);
	struct prof_stack *st;

	for (;; s = (s + 1) & (HASH_SLOTS - 1)) {
		u32 i = prof->stack_slot[s];

		if (!i)
			break;
		st = &prof->stacks[i - 1];
		if (prof->stack_hash[i - 1] == h && st->nr == n &&
		    !memcmp(prof->frames + st->first, fr, n * sizeof(*fr))) {
			st->count++;
			samples++;
			return;
		}
	}
	if (prof->nr_stacks == MAX_STACKS || prof->nr_frames + n > MAX_FRAMES) {
		lost++;
		return;
	}
	st = &prof->stacks[prof->nr_stacks];
	st->first = prof->nr_frames;
	st->nr = n;
	st->count = 1;
	memcpy(prof->frames + st->first, fr, n * sizeof(*fr));
	prof->nr_frames += n;
	prof->stack_hash[prof->nr_stacks] = h;
	prof->stack_slot[s] = ++prof->nr_stacks;
	samples++;
}

/* The name of kernel address addr: "fn", "fn [module]" or "[host]" (libc
 * and the rest of the host process). */
static long kernel_name(unsigned long addr)
{
	unsigned long off, size;
	const char *name = symbol_lookup(addr, &off, &size);
	struct module *mod;
	char buf[128];

	if (!name)
		return host_id;
	mod = __module_address ? __module_address(addr) : NULL;
	if (!mod)
		return intern(name, PROF_KERNEL);
	scnprintf(buf, sizeof(buf), "%s [%s]", name, mod->name);
	return intern(buf, PROF_KERNEL);
}

/* The function of the guest program holding ip, or "[unknown]". */
static long user_name(const struct mm_struct *mm, u64 ip)
{
	char buf[128];
	size_t max;
	u64 off;
	const char *name = user_sym_lookup(mm, ip, &max, &off);

	if (!name)
		return unknown_id;
	strscpy(buf, name, min(max + 1, sizeof(buf)));
	return intern(buf, PROF_USER);
}

/* current's user frames, root first, into fr; their number. From the
 * stopped registers: the pc, then the return addresses the frame
 * pointers lead to while they stay sane (going up, inside user space). */
static u32 user_frames(const struct pt_regs *regs, u32 *fr)
{
	u64 pcs[USER_DEPTH], fp = regs->bp;
	u32 n = 0, k = 0;

	pcs[n++] = regs->ip;
	while (n < USER_DEPTH && fp && !(fp & 7) && fp < TASK_SIZE - 16) {
		u64 f[2];

		if (copy_from_user(f, (const void __user *)fp, sizeof(f)) || !f[1] ||
		    f[1] >= TASK_SIZE)
			break;
		pcs[n++] = f[1] - 1;    /* inside the call, not after it */
		if (f[0] <= fp)
			break;
		fp = f[0];
	}
	while (n--) {
		long id = user_name(current->mm, pcs[n]);

		/* Frames of a program without symbols say nothing apart. */
		if (id < 0 || (k && fr[k - 1] == (u32)id && id == unknown_id))
			continue;
		fr[k++] = (u32)id;
	}
	return k;
}

/* The task's part of a stack: its command and, for a guest task, its
 * user frames. */
static u32 task_frames(u32 *fr)
{
	long id = intern(current->comm, PROF_TASK);
	u32 n = 0;

	if (id >= 0)
		fr[n++] = (u32)id;
	if (current->mm && !is_kthread(current))
		n += user_frames(&current->regs, fr + n);
	return n;
}

/* A kernel sample of current. Frames from ret_to_user outwards are the
 * same for every sample of a guest task, and do_syscall only dispatches:
 * they are left out, so a syscall's stack starts at its sys_ function.
 * Host code without frame pointers (libc, the vDSO) is one "[host]". */
static void record_kernel(const struct os_sample *s)
{
	u32 fr[MAX_DEPTH], n = task_frames(fr);
	long ids[OS_SAMPLE_DEPTH];
	u32 depth = min(s->depth, (u32)OS_SAMPLE_DEPTH), cut = depth;

	for (u32 i = 0; i < depth; i++) {
		/* A return address names its call: the byte before it. */
		ids[i] = kernel_name(i ? s->pc[i] - 1 : s->pc[i]);
		if (ids[i] >= 0 && !strcmp(prof->names[ids[i]], "ret_to_user")) {
			cut = i ? i : 1;
			break;
		}
	}
	if (cut > 1 && cut < depth && ids[cut - 1] >= 0 &&
	    !strcmp(prof->names[ids[cut - 1]], "do_syscall"))
		cut--;
	fr[n++] = kernel_id;
	while (cut--)
		if (ids[cut] >= 0 && (ids[cut] != host_id || fr[n - 1] != host_id))
			fr[n++] = (u32)ids[cut];
	add_stack(fr, n);
}

void profile_collect(void)
{
	u64 t0 = os_monotonic_ns();
	struct os_sample s;

	while (os_profile_next(&s))
		if (running)
			record_kernel(&s);
	collect_ns += os_monotonic_ns() - t0;
}

void profile_collect_guest(const struct pt_regs *regs)
{
	u64 t0;

	if (!os_profile_guest_due() || !running)
		return;
	t0 = os_monotonic_ns();
	guest_stops++;
	if (current->mm && !is_kthread(current)) {
		u32 fr[MAX_DEPTH], n = task_frames(fr);

		add_stack(fr, n);
	}
	collect_ns += os_monotonic_ns() - t0;
}

bool profile_data(struct prof_data *d)
{
	struct os_profile_stats st;

	if (!prof)
		return false;
	os_profile_stats(&st);
	d->names = prof->names;
	d->kinds = prof->kinds;
	d->nr_names = prof->nr_names;
	d->frames = prof->frames;
	d->stacks = prof->stacks;
	d->nr_stacks = prof->nr_stacks;
	/* Idle is one more stack, kept out of the table (a counter). */
	if (st.idle) {
		prof->frames[MAX_FRAMES] = idle_id;
		prof->stacks[prof->nr_stacks] = (struct prof_stack){ MAX_FRAMES, 1, st.idle };
		d->nr_stacks++;
	}
	d->period_ns = NSEC_PER_SEC / cur.hz;
	d->duration_ns = run_ns + (running ? ktime_get_ns() - started_ns : 0);
	return true;
}

u64 profile_samples(void)
{
	struct os_profile_stats st;

	os_profile_stats(&st);
	return prof ? samples + st.idle : 0;
}

static const char *const scope_names[] = { "all", "kernel", "guest" };

static void profile_start(struct cmd_out *out, const char *rest)
{
	const char *why = NULL;
	struct prof_args a;
	int err;

	if (prof_parse_args(rest, &a, &why)) {
		cmd_error(out, "profile start: ");
		cmd_puts(out, why);
		return;
	}
	if (!prof && !(prof = os_alloc_host(sizeof(*prof)))) {
		cmd_error(out, "profile start: no memory for the sample tables");
		return;
	}
	os_profile_stop();
	running = false;
	profile_collect();
	memset(prof, 0, sizeof(*prof));
	samples = lost = collect_ns = guest_stops = run_ns = 0;
	idle_id = (u32)intern("[idle]", PROF_TASK);
	kernel_id = (u32)intern("[kernel]", PROF_KERNEL);
	unknown_id = (u32)intern("[unknown]", PROF_USER);
	host_id = (u32)intern("[host]", PROF_KERNEL);
	cur = a;
	err = os_profile_start(a.hz, a.scope != PROF_GUEST_ONLY, a.scope != PROF_KERNEL_ONLY);
	if (err) {
		cmd_error(out, "profile start: the host timer failed: ");
		cmd_printf(out, "%d", err);
		return;
	}
	running = true;
	started_ns = ktime_get_ns();
	cmd_printf(out, "profiling at %u Hz (%s); a new profile\n", a.hz, scope_names[a.scope]);
}

static void profile_stop(struct cmd_out *out)
{
	if (!running) {
		cmd_error(out, "profile stop: not profiling");
		return;
	}
	os_profile_stop();
	profile_collect();
	running = false;
	run_ns += ktime_get_ns() - started_ns;
	cmd_printf(out, "stopped: %llu samples\n", (unsigned long long)profile_samples());
}

static void profile_status(struct cmd_out *out)
{
	struct os_profile_stats st;
	u64 total, cost;

	profile_collect();
	os_profile_stats(&st);
	if (!prof) {
		cmd_puts(out, "not profiling; no profile (profile start [hz=N] [kernel|guest|all])\n");
		return;
	}
	total = run_ns + (running ? ktime_get_ns() - started_ns : 0);
	/* A guest stopped for a sample costs a round trip more: counted as
	 * the time it took to stop (its resume is not measured). */
	cost = st.handler_ns + collect_ns + st.guest_stop_ns;
	cmd_printf(out, "%s at %u Hz (%s), %llu.%03llu s profiled\n",
		   running ? "profiling" : "stopped", cur.hz, scope_names[cur.scope],
		   (unsigned long long)(total / NSEC_PER_SEC),
		   (unsigned long long)(total % NSEC_PER_SEC / NSEC_PER_MSEC));
	cmd_printf(out, "samples: %llu (idle %llu), distinct stacks: %u\n",
		   (unsigned long long)(samples + st.idle), (unsigned long long)st.idle,
		   prof->nr_stacks);
	cmd_printf(out, "dropped: %llu (buffer full or guest not yet stopped), "
		   "not counted: %llu (tables full)\n",
		   (unsigned long long)st.dropped, (unsigned long long)lost);
	cmd_printf(out, "overhead: %llu.%02llu%% (signal handler %llu us, collection %llu us, "
		   "%llu guest stops %llu us)\n",
		   (unsigned long long)(total ? cost * 100 / total : 0),
		   (unsigned long long)(total ? cost * 10000 / total % 100 : 0),
		   (unsigned long long)(st.handler_ns / NSEC_PER_USEC),
		   (unsigned long long)(collect_ns / NSEC_PER_USEC),
		   (unsigned long long)guest_stops,
		   (unsigned long long)(st.guest_stop_ns / NSEC_PER_USEC));
}

static bool word(const char **args, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*args, w, n) || ((*args)[n] && (*args)[n] != ' '))
		return false;
	*args += n;
	while (**args == ' ')
		(*args)++;
	return true;
}

/* Safe point (CPU thread). */
void cmd_profile(struct cmd_out *out, const char *args)
{
	if (word(&args, "start"))
		profile_start(out, args);
	else if (word(&args, "stop"))
		profile_stop(out);
	else if (word(&args, "status"))
		profile_status(out);
	else if (word(&args, "dump"))
		profile_dump(out, args);
	else
		cmd_error(out, "usage: profile start [hz=N] [kernel|guest|all] | stop | status | "
			  "dump folded|pprof|top [FILE]");
}
