/*
 * Fakes for test_mconsole: the host side of the monitor (send, kick,
 * start, irq), printk and the log ring, the uname fields and clocks, and
 * the safe-point handlers that need a whole kernel (halt, reboot, cad,
 * proc, mem), which only record that they ran.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_in_host.h"
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/init.h>
#include "fakes.h"
#include "mconsole_fakes.h"
#include <glass/debug.h>

struct fake_packet fake_packets[FAKE_MAX_PACKETS];
int fake_npackets;
int fake_send_result;
int fake_kicks, fake_acks;
void (*fake_irq_handler)(int fd, void *arg);
char fake_log[8192];
unsigned long fake_log_len;
int fake_halts, fake_cads, fake_procs;
char fake_proc_arg[64];
struct fake_packet fake_notify[FAKE_MAX_NOTIFY];
int fake_nnotify;
char fake_notify_path[128];

struct boot_params boot = { .mem = 128ULL << 20 };
LIST_HEAD(task_list);
struct task_struct init_task;
struct task_struct *current = &init_task;
struct cpu_stop cpu_stop;

void fake_mconsole_reset(void)
{
	fake_npackets = 0;
	fake_send_result = 0;
	fake_kicks = fake_acks = 0;
	fake_printk[0] = '\0';
	fake_log_len = 0;
	fake_halts = fake_cads = fake_procs = 0;
	fake_proc_arg[0] = '\0';
	fake_nnotify = 0;
	fake_notify_path[0] = '\0';
	memset(&mconsole_stats, 0, sizeof(mconsole_stats));
}

int os_mconsole_send(const struct mc_client *to, const void *buf, unsigned long len)
{
	struct fake_packet *p;

	if (fake_send_result)
		return fake_send_result;
	if (fake_npackets == FAKE_MAX_PACKETS || len > sizeof(p->data))
		return -EMSGSIZE;
	p = &fake_packets[fake_npackets++];
	memcpy(p->data, buf, len);
	p->len = len;
	p->to_len = to->len;
	return 0;
}

/* The monitor's own log lines go where printk's do here. */
void os_monitor_log(const char *s, unsigned long len)
{
	size_t n = strlen(fake_printk);

	snprintf(fake_printk + n, sizeof(fake_printk) - n, "%.*s", (int)len, s);
}

int os_mconsole_notify_open(const char *path)
{
	snprintf(fake_notify_path, sizeof(fake_notify_path), "%s", path);
	return 0;
}

int os_mconsole_notify(const void *buf, unsigned long len)
{
	if (fake_nnotify == FAKE_MAX_NOTIFY || len > sizeof(fake_notify[0].data))
		return -EMSGSIZE;
	memcpy(fake_notify[fake_nnotify].data, buf, len);
	fake_notify[fake_nnotify++].len = len;
	return 0;
}

void os_monitor_kick(void)
{
	fake_kicks++;
}

void os_monitor_ack(int fd)
{
	fake_acks++;
}

int os_monitor_start(char *path, unsigned long len)
{
	snprintf(path, len, "/fake/umid/mconsole");
	return 42;
}

int os_irq_add(int fd, irq_handler_t handler, void *arg)
{
	fake_irq_handler = handler;
	return 0;
}

unsigned long log_end(void)
{
	return fake_log_len;
}

size_t log_read_from(unsigned long *pos, unsigned long end, char *buf, size_t size)
{
	size_t n = 0;

	while (*pos < end && n < size)
		buf[n++] = fake_log[(*pos)++];
	return n;
}

void uts_fields(const char *f[5])
{
	f[0] = "Linux";
	f[1] = "glass";
	f[2] = "6.1.0-glass";
	f[3] = "#1 Glass";
	f[4] = "x86_64";
}

u64 ktime_get_ns(void)
{
	return 1500000000ULL;           /* 1.50 s */
}

u64 ktime_get_boot_ns(void)
{
	return 2250000000ULL;           /* 2.25 s */
}

void cmd_halt(struct cmd_out *out, const char *args)
{
	fake_halts++;
}

void cmd_reboot(struct cmd_out *out, const char *args)
{
}

void cmd_cad(struct cmd_out *out, const char *args)
{
	fake_cads++;
}

void cmd_proc(struct cmd_out *out, const char *args)
{
	fake_procs++;
	snprintf(fake_proc_arg, sizeof(fake_proc_arg), "%s", args);
	cmd_puts(out, "\n");
	cmd_flush(out);
	cmd_puts(out, "MemTotal: 1 kB\n");
}

void cmd_mem(struct cmd_out *out, const char *args)
{
}

void os_exit(int status)
{
	exit(status);
}

/* ---- what stack, stop and go need from kernel/debug and kernel/os ---- */

bool cpu_parked(void)
{
	return false;
}

bool cpu_run_command(const struct command *cmd, const char *args, struct cmd_out *out)
{
	return false;   /* never parked */
}

void cmd_stop(struct cmd_out *out, const char *args)
{
	cmd_puts(out, "stopped");
}

void cmd_go(struct cmd_out *out, const char *args)
{
	cmd_error(out, "Not stopped");
}

long os_mem_read(unsigned long addr, void *buf, unsigned long len)
{
	if (addr < 0x10000)
		return -EFAULT;
	memcpy(buf, (void *)addr, len);
	return len;
}

void trap_gdb_regs(struct gdb_regs *regs)
{
	abort();        /* never parked in these tests */
}

/* Addresses 0x401000-0x402fff are one fake function. */
const char *symbol_lookup(unsigned long addr, unsigned long *off, unsigned long *size)
{
	if (addr < 0x401000 || addr >= 0x403000)
		return NULL;
	*off = addr - 0x401000;
	*size = 0x1000;
	return "fake_fn";
}
void cmd_inject(struct cmd_out *out, const char *args) { cmd_error(out, "off"); }
void cmd_sysrq(struct cmd_out *out, const char *args) { cmd_error(out, "off"); }
void cmd_core(struct cmd_out *out, const char *args) { cmd_error(out, "no core here"); }
void cmd_insmod(struct cmd_out *out, const char *args) { cmd_puts(out, "insmod ran"); }
void cmd_rmmod(struct cmd_out *out, const char *args) { cmd_puts(out, "rmmod ran"); }
void cmd_lsmod(struct cmd_out *out, const char *args) { cmd_puts(out, "Module"); }

/* The mconsole kernel thread for kernel-task commands: never made here,
 * so such a command gets the error reply that says so. */
struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *namefmt, ...)
{
	return ERR_PTR(-ENOMEM);
}
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *e, long state) { abort(); }
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *e) { abort(); }
void schedule(void) { abort(); }
void wake_up(wait_queue_head_t *wq) { abort(); }
void cmd_gcov(struct cmd_out *out, const char *args) { cmd_error(out, "no coverage here"); }
void cmd_profile(struct cmd_out *out, const char *args) { cmd_error(out, "off"); }
void cmd_gprof(struct cmd_out *out, const char *args) { cmd_error(out, "off"); }

/* No module is loaded (snapshot.c's frames ask first). */
const char *module_address_lookup(unsigned long addr, unsigned long *off,
				  unsigned long *size, const char **modname)
{
	return NULL;
}
/* The tracer's command (kernel/trace/control.c) is tested by the
 * trace_* integration tests. */
void cmd_trace(struct cmd_out *out, const char *args) { cmd_error(out, "off"); }
