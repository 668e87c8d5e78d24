/*
 * Commands that answer from the monitor thread with a few plain reads:
 * version (UML's "sysname nodename release version machine"), uptime,
 * and stats (the request counters).
 */
#include <glass/mconsole.h>
#include <glass/timer.h>
#include "internal.h"

void __monitor_text cmd_version(struct cmd_out *out, const char *args)
{
	const char *f[5];

	uts_fields(f);
	for (int i = 0; i < 5; i++) {
		if (i)
			cmd_putc(out, ' ');
		cmd_putsn(out, f[i], 64, 0);
	}
}

/* Seconds with two decimals, as /proc/uptime. */
static __monitor_text void put_secs(struct cmd_out *out, u64 ns)
{
	u64 cs = ns / (NSEC_PER_SEC / 100);

	cmd_putu(out, cs / 100, 0);
	cmd_putc(out, '.');
	cmd_putu(out, cs / 10 % 10, 0);
	cmd_putu(out, cs % 10, 0);
}

void __monitor_text cmd_uptime(struct cmd_out *out, const char *args)
{
	cmd_puts(out, "up ");
	put_secs(out, ktime_get_boot_ns());
	cmd_puts(out, " s, run ");
	put_secs(out, ktime_get_ns());
	cmd_puts(out, " s (time stopped excluded)\n");
}

static __monitor_text void put_stat(struct cmd_out *out, const char *name, u64 *v)
{
	cmd_putsn(out, name, 32, 12);
	cmd_putu(out, __atomic_load_n(v, __ATOMIC_RELAXED), 0);
	cmd_putc(out, '\n');
}

void __monitor_text cmd_stats(struct cmd_out *out, const char *args)
{
	struct mconsole_stats *s = &mconsole_stats;

	put_stat(out, "requests", &s->requests);
	put_stat(out, "bad_magic", &s->bad_magic);
	put_stat(out, "too_large", &s->too_large);
	put_stat(out, "bad_version", &s->bad_version);
	put_stat(out, "truncated", &s->truncated);
	put_stat(out, "unknown", &s->unknown);
	put_stat(out, "no_address", &s->no_address);
	put_stat(out, "anywhere", &s->anywhere);
	put_stat(out, "queued", &s->queued);
	put_stat(out, "queue_full", &s->queue_full);
	put_stat(out, "timed_out", &s->timed_out);
	put_stat(out, "send_errors", &s->send_errors);
}
