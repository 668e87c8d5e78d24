/* Shared by kernel/trace/ only. */
#ifndef KERNEL_TRACE_INTERNAL_H
#define KERNEL_TRACE_INTERNAL_H

#include <glass/command.h>
#include <glass/trace.h>
#include "spec.h"

/* The ring: bss of glass, not physmem (see README.md). */
#define TRACE_RING_SIZE (4UL << 20)
extern struct trace_ring trace_ring;

/* What is traced now; changed on the CPU thread only (safe-point
 * commands, boot), read by the hooks there and by `trace status`. */
extern struct trace_spec trace_active[2];       /* [0] syscalls, [1] faults */
extern unsigned int trace_gen;                  /* bumped at each change */

/* events.c: write a record into the ring (CPU thread). */
void trace_emit(const void *rec);
/* A TRACE_TASK record for every task: tracks get their names. */
void trace_emit_tasks(void);

/* sink.c: the readers. */
/* Wall clock minus kernel clock, set when tracing starts: -tt times. */
extern u64 trace_wall_offset;
/* The text format every reader uses: strace -f -tt -T. */
void trace_fmt_setup(struct trace_fmt *f);
/* trace follow: stream the records written from now on to out's
 * mconsole client (monitor thread). -EBUSY: too many followers;
 * -EOPNOTSUPP: out is no mconsole reply. */
int trace_follow_start(struct cmd_out *out);
int trace_followers(void);
bool trace_file_active(void);
/* Start writing text to the open host file fd, from the oldest record
 * the ring holds (CPU thread, once). */
void trace_file_start(int fd);
/* Text of the records from c on into out, as far as the writer got
 * (monitor thread or CPU thread); the lost ones reported. */
void trace_text(struct cmd_out *out, struct trace_cursor *c, struct trace_fmt *f);

#endif
