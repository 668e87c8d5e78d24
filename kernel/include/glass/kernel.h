/* Things every kernel file wants: printk, panic, BUG_ON, min/max, strings. */
#ifndef GLASS_KERNEL_H
#define GLASS_KERNEL_H

#include <glass/types.h>
#include <glass/errno.h>
#include <glass/list.h>
#include <glass/string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define barrier() __asm__ __volatile__("" ::: "memory")
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

/* Log levels, as Linux's: a "<N>" prefix on the format. */
#define KERN_EMERG "<0>"
#define KERN_ALERT "<1>"
#define KERN_CRIT "<2>"
#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE "<5>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"

__printf(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
#define pr_emerg(...) printk(KERN_EMERG __VA_ARGS__)
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

extern int console_loglevel;
/* The host's stderr is a raw tty (drivers/line.c): printk writes CRLF. */
extern bool printk_crlf;
/* The kernel log (lib/printk.c), for dmesg, /proc/kmsg and mconsole log. */
size_t log_read_all(char *buf, size_t size);
size_t log_size(void);
/* Streaming reads of the log, any context (the monitor thread too). */
unsigned long log_end(void);
size_t log_read_from(unsigned long *pos, unsigned long end, char *buf, size_t size);
void log_clear(void);

/* Formatting: scnprintf returns the number of characters written. */
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Like vsnprintf: returns the length the full output would have had. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

__noreturn __printf(1, 2) void panic(const char *fmt, ...);
/* kernel/diag/panic.c: report, core, notify, then what panic= says. */
__noreturn void panic_finish(const char *msg);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond)                                                  \
	do {                                                          \
		if (unlikely(cond))                                   \
			panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)
#define WARN_ON(cond)                                                     \
	({                                                                \
		int __c = !!(cond);                                       \
		if (unlikely(__c))                                        \
			printk(KERN_WARNING "WARNING: %s at %s:%d\n", #cond, \
			       __FILE__, __LINE__);                       \
		__c;                                                      \
	})

/* Number parsing (lib/parse.c). */
unsigned long long simple_strtoull(const char *s, char **end, unsigned base);
long long simple_strtoll(const char *s, char **end, unsigned base);
int kstrtoull(const char *s, unsigned base, unsigned long long *res);
int kstrtoint(const char *s, unsigned base, int *res);

/* A hex digit's value, or -1. Inline: the monitor thread's code uses it
 * too (gdbstub), and must call nothing outside its own section. */
static inline int hex_to_bin(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
/* "128M", "4k", "1G" -> bytes; -EINVAL on junk. */
int memparse_strict(const char *s, unsigned long long *res);

#endif
