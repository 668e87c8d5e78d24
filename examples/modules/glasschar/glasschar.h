/*
 * /dev/glasschar's ioctl commands, shared by the module and the guest
 * programs that use it (as a Linux driver's uapi header is).
 */
#ifndef GLASSCHAR_H
#define GLASSCHAR_H

#ifdef MODULE
#include <uapi/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define GLASSCHAR_IOC_MAGIC 'G'
/* Drop everything buffered. */
#define GLASSCHAR_IOC_CLEAR _IO(GLASSCHAR_IOC_MAGIC, 1)
/* How many bytes are buffered (an int written to the argument). */
#define GLASSCHAR_IOC_GETLEN _IOR(GLASSCHAR_IOC_MAGIC, 2, int)
/* Keep only the first N bytes (N is an int read from the argument). */
#define GLASSCHAR_IOC_TRUNCATE _IOW(GLASSCHAR_IOC_MAGIC, 3, int)

#define GLASSCHAR_SIZE 4096

#endif
