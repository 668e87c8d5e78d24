/*
 * The detectors (docs/DESIGN.md, Diagnostics):
 *  - hung tasks: a kernel timer on the CPU looks for tasks in
 *    uninterruptible sleep longer than hung_task_timeout_secs (default
 *    120; 0 turns it off) and reports each with Linux's message, its
 *    stack, and the lock it waits for and who holds it;
 *  - soft lockups: the monitor thread watches a counter the CPU bumps at
 *    every scheduling point; when it has not moved for 2 × watchdog_thresh
 *    seconds (default 10) the CPU is wedged — in kernel code that never
 *    yields, or in a host call that never returns — and the monitor prints
 *    the CPU's backtrace, taken from the running code, again for as long
 *    as it stays stuck, and sends mconsole's hang notification.
 * Both measure kernel time, which stands still while the kernel is
 * stopped by gdb or mconsole, so a stop is never reported as a hang.
 * Settable on the command line and in /proc/sys/kernel/.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/mconsole.h>
#include <glass/mutex.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/timer.h>

unsigned int hung_task_timeout_secs = 120;
unsigned int watchdog_thresh = 10;
unsigned long cpu_progress;             /* bumped at scheduling points */

/* ---- hung tasks (CPU thread) ---- */

static struct timer_list hung_timer;

static void report_hung(struct task_struct *t, u64 secs)
{
	struct mutex *m = t->blocked_on;
	struct cmd_out out;

	pr_err("INFO: task %s:%d blocked for more than %llu seconds.\n", t->comm, t->pid,
	       (unsigned long long)secs);
	pr_err("\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n");
	pr_err("task:%-15s state:D pid:%d ppid:%d\n", t->comm, t->pid,
	       t->real_parent ? t->real_parent->tgid : 0);
	if (m)
		pr_err("waiting for lock %s held by %s:%d\n", m->name,
		       m->owner ? m->owner->comm : "nobody", m->owner ? m->owner->pid : 0);
	pr_err("Call Trace:\n");
	cmd_out_init(&out, printk_emit, NULL);
	put_task_stack(&out, t);
	cmd_finish(&out);
}

static void check_hung_tasks(struct timer_list *unused)
{
	u64 now = ktime_get_ns(), limit = hung_task_timeout_secs * NSEC_PER_SEC;
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks) {
		if (t->state != TASK_UNINTERRUPTIBLE || t->exit_state) {
			t->hung_reported = false;
			continue;
		}
		if (limit && !t->hung_reported && now - t->last_switch_ns > limit) {
			t->hung_reported = true;
			report_hung(t, hung_task_timeout_secs);
		}
	}
	/* Check at least twice a period, so a report is at most half late. */
	mod_timer_ns(&hung_timer, now + (limit ? limit / 2 : 5 * NSEC_PER_SEC));
}

/* ---- soft lockups (monitor thread) ---- */

static __monitor_text void put_str(struct cmd_out *out, const char *s)
{
	cmd_puts(out, s);
}

static __monitor_text int stderr_emit(void *ctx, const char *data, size_t len, bool err,
				      bool more)
{
	os_monitor_log(data, len);
	return 0;
}

/* Called by the monitor thread about once a second. */
void __monitor_text watchdog_monitor_tick(u64 now_ns)
{
	static unsigned long last_progress;
	static u64 last_change_ns, next_report_ns;
	static struct cmd_out out;
	unsigned long p = __atomic_load_n(&cpu_progress, __ATOMIC_RELAXED);
	u64 limit = 2ULL * watchdog_thresh * NSEC_PER_SEC, stuck;
	const struct task_struct *t;
	bool took = false;

	/*
	 * A stop is not a lockup: the clock starts again after it. Nor is a
	 * wait in the event loop (idle, or a shell reading its terminal):
	 * the CPU sleeps there until an interrupt, it does not spin.
	 */
	if (p != last_progress || !limit || !last_change_ns || os_cpu_waiting() ||
	    (cpu_parked() && cpu_stop.owner != STOP_SNAPSHOT)) {
		last_progress = p;
		last_change_ns = now_ns;
		next_report_ns = now_ns + limit;
		return;
	}
	if (now_ns < next_report_ns)
		return;
	next_report_ns = now_ns + limit;
	stuck = (now_ns - last_change_ns) / NSEC_PER_SEC;
	cmd_out_init(&out, stderr_emit, NULL);
	cpu_interrupt(STOP_SNAPSHOT);
	for (int i = 0; i < 500 && !cpu_parked(); i++)
		os_monitor_nap();
	took = cpu_parked();
	t = took ? cpu_stop.live : current;
	put_str(&out, "BUG: soft lockup - CPU#0 stuck for ");
	cmd_putu(&out, stuck, 0);
	put_str(&out, "s! [");
	cmd_putsn(&out, t->comm, TASK_COMM_LEN, 0);
	cmd_putc(&out, ':');
	cmd_putu(&out, (u32)t->pid, 0);
	put_str(&out, "]\n");
	if (took) {
		struct os_regs r;

		os_trap_get_regs(&r);
		if (!text_breakable(r.rip))
			put_str(&out, "The CPU thread is in a host call that has not returned:\n");
		put_str(&out, "Call Trace:\n");
		put_task_stack(&out, t);
		if (cpu_stop.owner == STOP_SNAPSHOT)
			cpu_resume(false);
	} else {
		put_str(&out, "(the CPU thread did not stop for a backtrace: signals blocked?)\n");
	}
	cmd_finish(&out);
	mconsole_notify(MCONSOLE_HANG, "soft lockup: the CPU thread is stuck");
	last_progress = __atomic_load_n(&cpu_progress, __ATOMIC_RELAXED);
}

/* ---- /proc/sys/kernel ---- */

static int show_uint(unsigned int v, char *buf, size_t size)
{
	return scnprintf(buf, size, "%u\n", v);
}

static int store_uint(unsigned int *v, const char *buf, unsigned int max)
{
	int x;

	if (kstrtoint(buf, 10, &x) || x < 0 || (unsigned int)x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

int hung_task_timeout_show(struct task_struct *t, char *buf, size_t size)
{
	return show_uint(hung_task_timeout_secs, buf, size);
}

int hung_task_timeout_store(const char *buf)
{
	int err = store_uint(&hung_task_timeout_secs, buf, 86400);

	if (!err)       /* a shorter period takes effect now */
		mod_timer_ns(&hung_timer, ktime_get_ns());
	return err;
}

int watchdog_thresh_show(struct task_struct *t, char *buf, size_t size)
{
	return show_uint(watchdog_thresh, buf, size);
}

int watchdog_thresh_store(const char *buf)
{
	return store_uint(&watchdog_thresh, buf, 60);
}

static int watchdog_init(void)
{
	hung_task_timeout_secs = boot.hung_task_timeout;
	watchdog_thresh = boot.watchdog_thresh;
	timer_setup(&hung_timer, check_hung_tasks, 0);
	mod_timer_ns(&hung_timer, ktime_get_ns() + NSEC_PER_SEC);
	return 0;
}
late_initcall(watchdog_init);
