/* Shared by the kernel/mconsole files only: the command handlers. */
#ifndef MCONSOLE_INTERNAL_H
#define MCONSOLE_INTERNAL_H

#include <glass/command.h>
#include <glass/kernel.h>
#include <glass/proc.h>

/* Anywhere (the monitor thread): info.c, ps.c, log.c */
void cmd_version(struct cmd_out *out, const char *args);
void cmd_help(struct cmd_out *out, const char *args);
void cmd_uptime(struct cmd_out *out, const char *args);
void cmd_stats(struct cmd_out *out, const char *args);
void cmd_ps(struct cmd_out *out, const char *args);
void cmd_dmesg(struct cmd_out *out, const char *args);
void cmd_stack(struct cmd_out *out, const char *args);
void cmd_bt(struct cmd_out *out, const char *args);

/* Safe point (the CPU thread): power.c, log.c, proc.c */
void cmd_halt(struct cmd_out *out, const char *args);
void cmd_reboot(struct cmd_out *out, const char *args);
void cmd_cad(struct cmd_out *out, const char *args);
void cmd_log(struct cmd_out *out, const char *args);
void cmd_proc(struct cmd_out *out, const char *args);
void cmd_mem(struct cmd_out *out, const char *args);
void cmd_config(struct cmd_out *out, const char *args);
void cmd_remove(struct cmd_out *out, const char *args);

#endif
