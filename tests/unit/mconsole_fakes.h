/* What tests/unit/mconsole_fakes.c records and lets a test control. */
#ifndef TESTS_MCONSOLE_FAKES_H
#define TESTS_MCONSOLE_FAKES_H

#include <stddef.h>

#define FAKE_MAX_PACKETS 512

/* Every datagram os_mconsole_send() was given, in order. */
struct fake_packet {
	unsigned char data[600];
	size_t len;
	unsigned int to_len;            /* the client's address length */
};
extern struct fake_packet fake_packets[FAKE_MAX_PACKETS];
extern int fake_npackets;
extern int fake_send_result;            /* what os_mconsole_send returns */

extern int fake_kicks, fake_acks;
/* The handler mconsole_init() registered for the monitor's eventfd. */
extern void (*fake_irq_handler)(int fd, void *arg);

/* A ring for dmesg to stream (printk writes to fake_printk, fakes.h). */
extern char fake_log[8192];
extern unsigned long fake_log_len;

/* Safe-point handlers the fakes stand in for: how often each ran. */
extern int fake_halts, fake_cads, fake_procs;
extern char fake_proc_arg[64];

/* Notifications os_mconsole_notify() was given, and the notify path. */
#define FAKE_MAX_NOTIFY 8
extern struct fake_packet fake_notify[FAKE_MAX_NOTIFY];
extern int fake_nnotify;
extern char fake_notify_path[128];

void fake_mconsole_reset(void);

#endif
