/*
 * The ptproxy wire protocol: what glass-ptproxy (the host side, one
 * process per traced tool) and the kernel's listener on
 * <umid dir>/ptproxy exchange over a SOCK_STREAM unix socket.
 *
 * Every message is a 64-byte header, little-endian, then len bytes of
 * payload:
 *   u32 op | u32 seq | s64 args[6] | u32 len | u32 zero
 * A request (proxy to kernel) carries the tool's syscall arguments in
 * args and its input buffer (SETREGS' regs, POKE's nothing, a
 * process_vm_writev's bytes) as payload; the reply has op | PTP_REPLY,
 * the same seq, args[0] = the result (>= 0 or -errno) and the output
 * buffer (GETREGS' regs, memory read) as payload. PTP_EV_STOP is the one
 * message the kernel sends unasked: a tracee of this connection stopped
 * or died, so the proxy sends the tool a SIGCHLD (gdb waits for nothing
 * else).
 *
 * Pure: no host call, no allocation (unit-tested, fuzzed).
 */
#ifndef PTPROXY_WIRE_H
#define PTPROXY_WIRE_H

#include <glass/types.h>

#define PTP_VERSION 1
#define PTP_HDR_LEN 64
/* Largest payload: a memory chunk (the proxy splits longer preads). */
#define PTP_MAX_PAYLOAD 65536
#define PTP_NARGS 6

enum ptp_op {
	PTP_HELLO = 1,          /* args[0] version; reply: args[1] the kernel tracer's pid */
	PTP_PTRACE,             /* request, pid, addr, data, io_len, PTP_IO_*; see below */
	PTP_WAIT,               /* wait4: pid, options; reply: pid, status */
	PTP_WAITID,             /* idtype, id, options; reply: 0, pid, si_code, si_status */
	PTP_VM_READ,            /* pid, addr, len; reply payload: bytes read */
	PTP_VM_WRITE,           /* pid, addr; payload: bytes; reply: bytes written */
	PTP_KILL,               /* tgid, tid, sig: kill (tid 0), tgkill, tkill (tgid 0) */
	PTP_PROC,               /* pid, tid, PTP_PROC_*; reply payload: the text */
	PTP_EV_STOP,            /* kernel to proxy, unasked: a tracee stopped */
	PTP_OP_MAX
};
#define PTP_REPLY 0x80000000u
/* PTP_PTRACE: with io_len (args[4]) > 0, data is an io_len-byte buffer in
 * the kernel (the payload in, the same bytes back: GETREGS, SETREGS,
 * PEEK*'s word, GETSIGINFO, GET_SYSCALL_INFO...), or with PTP_IO_IOVEC
 * (args[5]) an iovec on it (GETREGSET/SETREGSET: back iov_len bytes). */
#define PTP_IO_IOVEC 1

/* PTP_PROC: the /proc files the tools read about a tracee. */
enum ptp_proc_file {
	PTP_PROC_EXE = 1,       /* a host path gdb can open */
	PTP_PROC_STATUS,        /* of the thread args[1] */
	PTP_PROC_MAPS,
	PTP_PROC_TASKS,         /* the thread ids, one per line */
	PTP_PROC_STAT,          /* these four: the text of /proc/PID/task/TID/FILE */
	PTP_PROC_COMM,
	PTP_PROC_MAX
};

struct ptp_msg {
	u32 op;
	u32 seq;
	s64 args[PTP_NARGS];
	u32 len;                /* payload bytes following the header */
	const u8 *payload;      /* decode: points into the caller's buffer */
};

/* Encode m (header then m->len bytes of m->payload) into buf of cap
 * bytes. Bytes written, or -EMSGSIZE (payload too long), -ENOSPC (cap),
 * -EINVAL (an op not in the protocol). */
long ptp_encode(u8 *buf, size_t cap, const struct ptp_msg *m);

/* Decode the first message of buf[0..len): bytes it takes (m filled,
 * m->payload into buf), 0 if more bytes are needed, or -EPROTO for bytes
 * that are no message (unknown op, payload over the limit, reserved
 * field set, an argument out of its op's range). */
long ptp_decode(const u8 *buf, size_t len, struct ptp_msg *m);

#endif
