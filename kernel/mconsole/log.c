/*
 * The kernel log: dmesg streams the log ring from the monitor thread (it
 * reads up to where the log ended when the command began, so a busy
 * printk cannot keep it going); log writes text into it from the CPU
 * thread, as UML's log command does.
 */
#include "internal.h"

void __monitor_text cmd_dmesg(struct cmd_out *out, const char *args)
{
	unsigned long end = log_end(), pos = 0;
	char chunk[256];
	size_t n;

	while ((n = log_read_from(&pos, end, chunk, sizeof(chunk))))
		cmd_write(out, chunk, n);
}

/* As UML's: the text verbatim. uml_mconsole's log sends "log TEXT" and
 * then "log \n", which ends the line. */
void cmd_log(struct cmd_out *out, const char *args)
{
	printk(KERN_INFO "%s", args);
}
