/*
 * ticker: a kernel thread woken by a timer. Every interval_ms (a
 * parameter, 100 by default) the timer callback, in interrupt context,
 * marks a tick due and wakes the thread, which counts it in task context
 * (where it could sleep, take mutexes...). /proc/ticker shows the count.
 * rmmod stops the timer, then the thread (kthread_stop waits for it).
 *
 * Try it: insmod ticker.ko interval_ms=50; cat /proc/ticker; sleep 1;
 * cat /proc/ticker; rmmod ticker
 */
#include <glass/kernel.h>
#include <glass/module.h>
#include <glass/proc_fs.h>
#include <glass/sched.h>
#include <glass/seq_file.h>
#include <glass/timer.h>
#include <glass/wait.h>

static unsigned int interval_ms = 100;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "milliseconds between ticks");

static struct timer_list ticker_timer;
static struct task_struct *ticker_task;
static DECLARE_WAIT_QUEUE_HEAD(ticker_wait);
static bool tick_due;
static unsigned long ticks;
static struct proc_dir_entry *ticker_entry;

/* Interrupt context: no sleeping here, so hand the work to the thread. */
static void ticker_fire(struct timer_list *t)
{
	tick_due = true;
	wake_up_interruptible(&ticker_wait);
	mod_timer(t, jiffies + msecs_to_jiffies(interval_ms));
}

static int ticker_thread(void *arg)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(ticker_wait, tick_due || kthread_should_stop());
		if (tick_due) {
			tick_due = false;
			ticks++;
		}
	}
	pr_info("ticker: thread stops after %lu ticks\n", ticks);
	return 0;
}

static int ticker_show(struct seq_file *m, void *v)
{
	seq_printf(m, "ticks: %lu\ninterval_ms: %u\n", ticks, interval_ms);
	return 0;
}

static int ticker_init(void)
{
	if (!interval_ms)
		return -EINVAL;
	ticker_entry = proc_create_single("ticker", 0444, NULL, ticker_show);
	if (!ticker_entry)
		return -ENOMEM;
	ticker_task = kthread_run(ticker_thread, NULL, "ticker");
	if (IS_ERR(ticker_task)) {
		proc_remove(ticker_entry);
		return PTR_ERR(ticker_task);
	}
	timer_setup(&ticker_timer, ticker_fire, 0);
	mod_timer(&ticker_timer, jiffies + msecs_to_jiffies(interval_ms));
	pr_info("ticker: ticking every %u ms\n", interval_ms);
	return 0;
}

static void ticker_exit(void)
{
	/* The timer first: it wakes the thread, which must still exist. */
	del_timer_sync(&ticker_timer);
	kthread_stop(ticker_task);
	proc_remove(ticker_entry);
}

module_init(ticker_init);
module_exit(ticker_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A kernel thread woken by a timer");
