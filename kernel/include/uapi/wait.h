/* wait4's and waitid's options as Linux x86-64 defines them
 * (uapi/linux/wait.h). */
#ifndef GLASS_UAPI_WAIT_H
#define GLASS_UAPI_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

#endif
