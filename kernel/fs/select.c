/*
 * poll, ppoll, select, pselect6. One pass asks every file's ->poll with a
 * poll_table that queues the task on each wait queue the file names;
 * later passes (after a wake-up) only ask. A timer wakes the task at the
 * timeout. A signal ends the wait with -ERESTARTNOHAND (EINTR when a
 * handler runs). ppoll/pselect6 install their sigmask in current->blocked
 * with saved_sigmask/restore_sigmask: restored here unless the call was
 * interrupted, in which case signal delivery restores it after setting
 * up the handler. Task context on the CPU thread; sleeps.
 */
#include <glass/syscalls.h>
#include "internal.h"

struct linux_pollfd {
	int fd;
	short events;
	short revents;
};

struct poll_entry {
	struct list_head list;
	struct file *filp;
	wait_queue_head_t *wq;
	struct wait_queue_entry wait;
};

struct poll_wqueues {
	poll_table pt;
	struct list_head entries;
	int error;
};

struct poll_timer {
	struct timer_list timer;
	struct task_struct *task;
	bool fired;
};

/* qproc: queue the current task on wq for file f. */
static void poll_queue(struct file *f, wait_queue_head_t *wq, poll_table *p)
{
	struct poll_wqueues *pw = container_of(p, struct poll_wqueues, pt);
	struct poll_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);

	if (!e) {
		pw->error = -ENOMEM;
		return;
	}
	e->filp = get_file(f);
	e->wq = wq;
	add_wait_queue(wq, &e->wait);
	list_add_tail(&e->list, &pw->entries);
}

static void poll_initwait(struct poll_wqueues *pw)
{
	pw->pt.qproc = poll_queue;
	pw->pt.priv = NULL;
	INIT_LIST_HEAD(&pw->entries);
	pw->error = 0;
}

static void poll_freewait(struct poll_wqueues *pw)
{
	struct poll_entry *e, *n;

	list_for_each_entry_safe(e, n, &pw->entries, list) {
		remove_wait_queue(e->wq, &e->wait);
		fput(e->filp);
		list_del(&e->list);
		kfree(e);
	}
}

static void poll_timer_fn(struct timer_list *t)
{
	struct poll_timer *pt = container_of(t, struct poll_timer, timer);

	pt->fired = true;
	wake_up_process(pt->task);
}

unsigned int vfs_poll(struct file *f, poll_table *pt)
{
	if (!f->f_op->poll)
		return DEFAULT_POLLMASK;
	return f->f_op->poll(f, pt);
}

/* One readiness pass: the number of ready entries (or -errno). */
typedef int (*poll_pass_fn)(void *arg, poll_table *pt);

/*
 * Run pass until it reports something, the timeout (*timeout_ns, NULL for
 * none; updated to the time left) runs out, or a signal arrives.
 */
static int poll_loop(poll_pass_fn pass, void *arg, u64 *timeout_ns)
{
	struct poll_wqueues pw;
	struct poll_timer tm = { .task = current };
	poll_table *pt = &pw.pt;
	u64 deadline = 0;
	bool armed = false;
	int ret;

	poll_initwait(&pw);
	if (timeout_ns && *timeout_ns) {
		u64 now = ktime_get_ns();

		deadline = *timeout_ns > U64_MAX - now ? U64_MAX : now + *timeout_ns;
		timer_setup(&tm.timer, poll_timer_fn, 0);
		mod_timer_ns(&tm.timer, deadline);
		armed = true;
	}
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		ret = pass(arg, pt);
		pt = NULL;
		if (ret || pw.error)
			break;
		if ((timeout_ns && !*timeout_ns) || tm.fired)
			break;
		if (signal_pending_current()) {
			ret = -ERESTARTNOHAND;
			break;
		}
		schedule();
	}
	set_current_state(TASK_RUNNING);
	if (armed)
		del_timer(&tm.timer);
	poll_freewait(&pw);
	if (!ret && pw.error)
		ret = pw.error;
	if (timeout_ns && armed) {
		u64 now = ktime_get_ns();

		*timeout_ns = deadline > now ? deadline - now : 0;
	}
	return ret;
}

/* ---- poll ---- */

struct poll_args {
	struct linux_pollfd *fds;
	unsigned int nfds;
};

static int poll_pass(void *arg, poll_table *pt)
{
	struct poll_args *pa = arg;
	int count = 0;

	for (unsigned int i = 0; i < pa->nfds; i++) {
		struct linux_pollfd *p = &pa->fds[i];
		unsigned int mask = 0;
		struct file *f;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		f = fget(p->fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			mask = vfs_poll(f, pt);
			fput(f);
			mask &= (unsigned short)p->events | POLLERR | POLLHUP;
		}
		p->revents = mask;
		if (mask)
			count++;
	}
	return count;
}

static long do_sys_poll(struct linux_pollfd __user *ufds, unsigned int nfds,
			u64 *timeout_ns)
{
	struct poll_args pa = { .nfds = nfds };
	long ret;

	if (nfds > NR_OPEN_MAX)
		return -EINVAL;
	pa.fds = kmalloc(max(nfds, 1U) * sizeof(*pa.fds), GFP_KERNEL);
	if (!pa.fds)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(pa.fds, ufds, nfds * sizeof(*pa.fds)))
		goto out;
	ret = poll_loop(poll_pass, &pa, timeout_ns);
	if (ret >= 0 && copy_to_user(ufds, pa.fds, nfds * sizeof(*pa.fds)))
		ret = -EFAULT;
out:
	kfree(pa.fds);
	return ret;
}

SYSCALL_DEFINE3(poll, struct linux_pollfd __user *, ufds, unsigned int, nfds,
		int, timeout_msecs)
{
	u64 t = timeout_msecs >= 0 ? (u64)timeout_msecs * NSEC_PER_MSEC : 0;

	return do_sys_poll(ufds, nfds, timeout_msecs >= 0 ? &t : NULL);
}

/* ---- sigmasks and timeouts of ppoll/pselect6 ---- */

static int set_user_sigmask(const sigset_t __user *umask, size_t size)
{
	sigset_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	sigdelset(&mask, SIGKILL);
	sigdelset(&mask, SIGSTOP);
	current->saved_sigmask = current->blocked;
	current->blocked = mask;
	current->restore_sigmask = true;
	return 0;
}

/* Put the old mask back now, unless a signal interrupted the call: then
 * signal delivery does it after the handler frame is built. */
static void restore_saved_sigmask_unless(bool interrupted)
{
	if (interrupted || !current->restore_sigmask)
		return;
	current->restore_sigmask = false;
	current->blocked = current->saved_sigmask;
}

static int timespec_to_ns(const struct linux_timespec __user *uts, u64 *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= U64_MAX / NSEC_PER_SEC / 2)
		*ns = U64_MAX / 2;
	else
		*ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

static void ns_to_timespec_user(u64 ns, struct linux_timespec __user *uts)
{
	struct linux_timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	(void)copy_to_user(uts, &ts, sizeof(ts));
}

SYSCALL_DEFINE5(ppoll, struct linux_pollfd __user *, ufds, unsigned int, nfds,
		struct linux_timespec __user *, tsp, const sigset_t __user *, sigmask,
		size_t, sigsetsize)
{
	u64 t;
	long ret;

	if (tsp) {
		ret = timespec_to_ns(tsp, &t);
		if (ret)
			return ret;
	}
	ret = set_user_sigmask(sigmask, sigsetsize);
	if (ret)
		return ret;
	ret = do_sys_poll(ufds, nfds, tsp ? &t : NULL);
	restore_saved_sigmask_unless(ret == -ERESTARTNOHAND);
	if (tsp)
		ns_to_timespec_user(t, tsp);
	return ret;
}

/* ---- select ---- */

#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET (POLLPRI)

struct select_args {
	int n;
	unsigned long *in, *out, *ex;           /* requested */
	unsigned long *res_in, *res_out, *res_ex;
};

static bool test_bit_ul(const unsigned long *map, int i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void set_bit_ul(unsigned long *map, int i)
{
	map[i / 64] |= 1UL << (i % 64);
}

static int select_pass(void *arg, poll_table *pt)
{
	struct select_args *sa = arg;
	size_t words = DIV_ROUND_UP(sa->n, 64);
	int count = 0;

	memset(sa->res_in, 0, words * 8);
	memset(sa->res_out, 0, words * 8);
	memset(sa->res_ex, 0, words * 8);
	for (int i = 0; i < sa->n; i++) {
		bool in = test_bit_ul(sa->in, i), out = test_bit_ul(sa->out, i),
		     ex = test_bit_ul(sa->ex, i);
		unsigned int mask;
		struct file *f;

		if (!in && !out && !ex)
			continue;
		f = fget(i);
		if (!f)
			return -EBADF;
		mask = vfs_poll(f, pt);
		fput(f);
		if (in && (mask & POLLIN_SET)) {
			set_bit_ul(sa->res_in, i);
			count++;
		}
		if (out && (mask & POLLOUT_SET)) {
			set_bit_ul(sa->res_out, i);
			count++;
		}
		if (ex && (mask & POLLEX_SET)) {
			set_bit_ul(sa->res_ex, i);
			count++;
		}
	}
	return count;
}

static long core_sys_select(int n, unsigned long __user *inp, unsigned long __user *outp,
			    unsigned long __user *exp, u64 *timeout_ns)
{
	struct select_args sa;
	unsigned long *bits;
	size_t words, bytes;
	long ret;

	if (n < 0)
		return -EINVAL;
	if (current->files && n > (int)current->files->max_fds)
		n = current->files->max_fds;
	words = DIV_ROUND_UP(n, 64);
	bytes = words * sizeof(long);
	bits = kzalloc(max_t(size_t, bytes, 8) * 6, GFP_KERNEL);
	if (!bits)
		return -ENOMEM;
	sa.n = n;
	sa.in = bits;
	sa.out = bits + words;
	sa.ex = bits + 2 * words;
	sa.res_in = bits + 3 * words;
	sa.res_out = bits + 4 * words;
	sa.res_ex = bits + 5 * words;
	ret = -EFAULT;
	if ((inp && copy_from_user(sa.in, inp, bytes)) ||
	    (outp && copy_from_user(sa.out, outp, bytes)) ||
	    (exp && copy_from_user(sa.ex, exp, bytes)))
		goto out;
	ret = poll_loop(select_pass, &sa, timeout_ns);
	if (ret < 0)
		goto out;
	if ((inp && copy_to_user(inp, sa.res_in, bytes)) ||
	    (outp && copy_to_user(outp, sa.res_out, bytes)) ||
	    (exp && copy_to_user(exp, sa.res_ex, bytes)))
		ret = -EFAULT;
out:
	kfree(bits);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct linux_timeval __user *, tvp)
{
	struct linux_timeval tv;
	u64 t = 0;
	long ret;

	if (tvp) {
		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Linux normalises an overlong tv_usec instead of failing. */
		if ((u64)tv.tv_sec >= U64_MAX / NSEC_PER_SEC / 2)
			t = U64_MAX / 2;
		else
			t = tv.tv_sec * NSEC_PER_SEC + (u64)tv.tv_usec * NSEC_PER_USEC;
	}
	ret = core_sys_select(n, inp, outp, exp, tvp ? &t : NULL);
	if (tvp) {
		tv.tv_sec = t / NSEC_PER_SEC;
		tv.tv_usec = (t % NSEC_PER_SEC) / NSEC_PER_USEC;
		(void)copy_to_user(tvp, &tv, sizeof(tv));
	}
	return ret;
}

struct sigset_argpack {
	const sigset_t __user *p;
	size_t size;
};

SYSCALL_DEFINE6(pselect6, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct linux_timespec __user *, tsp,
		void __user *, sig)
{
	struct sigset_argpack pack = { NULL, 0 };
	u64 t = 0;
	long ret;

	if (tsp) {
		ret = timespec_to_ns(tsp, &t);
		if (ret)
			return ret;
	}
	if (sig && copy_from_user(&pack, sig, sizeof(pack)))
		return -EFAULT;
	ret = set_user_sigmask(pack.p, pack.size);
	if (ret)
		return ret;
	ret = core_sys_select(n, inp, outp, exp, tsp ? &t : NULL);
	restore_saved_sigmask_unless(ret == -ERESTARTNOHAND);
	if (tsp)
		ns_to_timespec_user(t, tsp);
	return ret;
}
