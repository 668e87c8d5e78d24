/* glass-ptproxy's host side (README.md): the tool under a seccomp
 * filter, the connection to the kernel, the handlers of what the filter
 * routes to us. */
#ifndef PTPROXY_PROXY_H
#define PTPROXY_PROXY_H

#include <stdio.h>
#include <stdbool.h>
#include <sys/types.h>

#include <ptproxy/wire.h>

/* kconn.c: the connection to <umid dir>/ptproxy. */
int kconn_open(const char *umid, const char *uml_dir);
/* Send request m, wait for its reply into *r (payload valid until the
 * next call). 0, or -errno of the connection. */
int kconn_call(struct ptp_msg *m, struct ptp_msg *r);
/* A PTP_EV_STOP arrived since the last call: clears it. */
bool kconn_take_stop(void);
/* Read what the kernel sent unasked (EV_STOP); -1 when it has gone. */
int kconn_poll(void);
int kconn_fd(void);
extern unsigned long kconn_calls;       /* forwarded requests, for the figures */
extern FILE *kconn_log;                 /* --log FILE, or NULL */

/* serve.c: the guest pids (those the tool was told on its command line,
 * and those the kernel reported since). */
void guest_pid_add(pid_t pid);
bool guest_pid(pid_t pid);
/* One notification: true if answered, false to let the call run natively. */
struct seccomp_notif;
bool serve_notification(int nfd, const struct seccomp_notif *req);
/* Retry the tool's blocking waits parked until a stop (after EV_STOP). */
void serve_retry_waits(int nfd);
/* Remove the /proc/N/task stand-ins made for the tool. */
void serve_cleanup(void);

/* /proc/N/mem of a guest in the tool: a placeholder fd (/dev/null) at a
 * number in this range, whose pread64/pwrite64 the filter routes to us. */
#define MEM_FD_BASE 900
#define MEM_FD_SLOTS 16

/* tool.c: run argv under the filter; its pid, the listener in *nfd. */
pid_t tool_spawn(char **argv, int *nfd);

#endif
