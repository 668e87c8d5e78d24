/* kcov's ioctls (Linux's include/uapi/linux/kcov.h; coverage/kcov.c). */
#ifndef UAPI_KCOV_H
#define UAPI_KCOV_H

#define KCOV_INIT_TRACE 0x80086301      /* _IOR('c', 1, unsigned long) */
#define KCOV_ENABLE 0x6364              /* _IO('c', 100) */
#define KCOV_DISABLE 0x6365             /* _IO('c', 101) */

#define KCOV_TRACE_PC 0
#define KCOV_TRACE_CMP 1

#endif
