/*
 * printk: the kernel log. Every message goes into a ring buffer (dmesg,
 * syslog(2), mconsole log) with a timestamp; messages below
 * console_loglevel also go to the host's stderr, keeping the guest console
 * on stdout clean for scripts.
 */
#include <glass/export.h>
#include <glass/kernel.h>
#include <glass/mconsole.h>
#include <glass/monitor.h>
#include <glass/timer.h>
#include <glass/os.h>
#include <glass/syscalls.h>
#include <glass/uaccess.h>

#define LOG_BUF_LEN (128 << 10)

int console_loglevel = 7;
static char log_buf[LOG_BUF_LEN];
static unsigned long log_head;          /* total bytes ever written */
static bool log_line_start = true;
bool printk_crlf;                       /* stderr is a raw tty */

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_BUF_LEN] = s[i];
	log_head += n;
}

/* Copy the log's last `size` bytes (at most) into buf; returns the count. */
size_t log_read_all(char *buf, size_t size)
{
	size_t avail = log_head < LOG_BUF_LEN ? log_head : LOG_BUF_LEN;
	size_t n = avail < size ? avail : size;
	unsigned long start = log_head - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(start + i) % LOG_BUF_LEN];
	return n;
}

/* The log's end: bytes ever written (an offset for log_read_from). */
unsigned long __monitor_text log_end(void)
{
	return __atomic_load_n(&log_head, __ATOMIC_ACQUIRE);
}

/*
 * Copy log bytes from offset *pos, moved up to the oldest byte the ring
 * still holds, up to end (at most size bytes); advances *pos and returns
 * the count. Plain reads without a lock, so the monitor thread may call
 * it (mconsole dmesg) while a printk on the CPU thread overwrites the
 * oldest bytes: a reader that falls behind loses them, never faults.
 */
size_t __monitor_text log_read_from(unsigned long *pos, unsigned long end, char *buf, size_t size)
{
	unsigned long head = log_end();
	size_t n = 0;

	if (end > head)
		end = head;
	if (head > LOG_BUF_LEN && *pos < head - LOG_BUF_LEN)
		*pos = head - LOG_BUF_LEN;
	while (*pos < end && n < size)
		buf[n++] = log_buf[(*pos)++ % LOG_BUF_LEN];
	return n;
}

size_t log_size(void)
{
	return log_head < LOG_BUF_LEN ? log_head : LOG_BUF_LEN;
}

void log_clear(void)
{
	log_head = 0;
}

static void console_emit(const char *s, size_t n)
{
	if (!printk_crlf) {
		os_write(2, s, n);
		return;
	}
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i == n || s[i] == '\n') {
			os_write(2, s + start, i - start);
			if (i < n)
				os_write(2, "\r\n", 2);
			start = i + 1;
		}
	}
}

int vprintk(const char *fmt, va_list ap)
{
	char msg[1024], line[1100];
	int level = 6, n;

	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>') {
		level = fmt[1] - '0';
		fmt += 3;
	}
	n = vscnprintf(msg, sizeof(msg), fmt, ap);
	if (log_line_start) {
		u64 ns = ktime_get_boot_ns();
		n = scnprintf(line, sizeof(line), "[%5llu.%06llu] %s",
			      (unsigned long long)(ns / 1000000000ULL),
			      (unsigned long long)(ns % 1000000000ULL / 1000), msg);
	} else {
		n = scnprintf(line, sizeof(line), "%s", msg);
	}
	log_line_start = n > 0 && line[n - 1] == '\n';
	log_store(line, n);
	if (level < console_loglevel)
		console_emit(line, n);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
EXPORT_SYMBOL(printk);

/* The message; then the rest is kernel/diag/panic.c's (the core, panic=). */
__noreturn void panic(const char *fmt, ...)
{
	static char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic_finish(msg);
}
EXPORT_SYMBOL(panic);

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* syslog(2), what dmesg uses: the log without its "<N>" level prefixes,
 * which printk never stores. */
SYSCALL_DEFINE3(syslog, int, type, char __user *, buf, int, len)
{
	static char tmp[LOG_BUF_LEN];
	size_t n;

	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		if (len < 0)
			return -EINVAL;
		n = log_read_all(tmp, min_t(size_t, len, sizeof(tmp)));
		if (copy_to_user(buf, tmp, n))
			return -EFAULT;
		if (type != SYSLOG_ACTION_READ_ALL)
			log_clear();
		return n;
	case SYSLOG_ACTION_CLEAR:
		log_clear();
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		console_loglevel = 1;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		console_loglevel = 7;
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		console_loglevel = len;
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
	case SYSLOG_ACTION_SIZE_BUFFER:
		return type == SYSLOG_ACTION_SIZE_BUFFER ? LOG_BUF_LEN : (int)log_size();
	}
	return -EINVAL;
}
