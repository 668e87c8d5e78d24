/*
 * How a debugger gets in on a running kernel, beyond `debug`, `gdb=` and
 * mconsole's `config gdb=`:
 *  - SIGUSR1 (the UML HOWTO's "Attaching gdb to the kernel") starts the
 *    stub with the default transport and logs the endpoint, or logs it
 *    again when the stub already listens. The host handler only counts
 *    the signal (kernel/os/main.c); the work is done here, on the CPU
 *    thread from the event loop.
 *  - A second debugger while one is attached is told so at once and
 *    disconnected; the first session does not notice.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/monitor.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>

static void sigusr1_irq(int fd, void *unused)
{
	os_monitor_ack(fd);
	if (gdb_listening())
		printk(KERN_INFO "gdb stub: target remote %s\n", gdb_endpoint());
	else
		gdb_boot("unix", false);        /* logs the endpoint or why not */
}

static int sigusr1_init(void)
{
	int fd = os_sigusr1_fd();

	if (fd >= 0 && os_irq_add(fd, sigusr1_irq, NULL))
		printk(KERN_WARNING "glass: SIGUSR1 will not start the gdb stub\n");
	return 0;
}
late_initcall(sigusr1_init);

static struct gdb_refusal refusal;

void __monitor_text gdb_monitor_refuse_start(void)
{
	gdb_refusal_init(&refusal);
}

long __monitor_text gdb_monitor_refuse_input(const void *buf, size_t n, u8 *out, size_t cap)
{
	return gdb_refusal_input(&refusal, buf, n,
				 "another debugger is attached to this Glass: only one at a time",
				 out, cap);
}
