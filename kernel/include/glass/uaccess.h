/*
 * Guest memory access through the kernel's own page tables (rule guest-memory-is-physmem).
 * Missing pages are faulted in; bad addresses give -EFAULT.
 * copy_*_user return the number of bytes NOT copied, as Linux's do.
 *
 * set_fs(KERNEL_DS) makes them plain memcpys on kernel pointers, so file
 * code can serve kernel_read() and read(2) with one implementation.
 */
#ifndef GLASS_UACCESS_H
#define GLASS_UACCESS_H

#include <glass/types.h>

typedef struct { bool kernel; } mm_segment_t;
#define KERNEL_DS ((mm_segment_t){ true })
#define USER_DS ((mm_segment_t){ false })
mm_segment_t get_fs(void);
void set_fs(mm_segment_t seg);

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
/* Length copied (without the NUL) or -EFAULT; count = size of dst. */
long strncpy_from_user(char *dst, const char __user *src, long count);
/* Length of a user string including its NUL, 0 on a bad pointer, or a
 * value > n if there is no NUL in the first n bytes (Linux's). */
long strnlen_user(const char __user *s, long n);
/* Checks range lies below TASK_SIZE. */
bool access_ok(const void __user *p, unsigned long n);

#define get_user(x, ptr)                                                   \
	({                                                                 \
		__typeof__(*(ptr) + 0) __gu_v;                             \
		int __gu_e = copy_from_user(&__gu_v, (ptr), sizeof(__gu_v)) \
				     ? -14 : 0;                            \
		(x) = __gu_e ? 0 : __gu_v;                                 \
		__gu_e;                                                    \
	})
#define put_user(x, ptr)                                                   \
	({                                                                 \
		__typeof__(*(ptr)) __pu_v = (x);                           \
		copy_to_user((ptr), &__pu_v, sizeof(__pu_v)) ? -14 : 0;    \
	})

/* Copy a NUL-terminated user string into a new kmalloc'd buffer of at most
 * max bytes; ERR_PTR(-EFAULT / -ENAMETOOLONG / -ENOMEM). */
char *strndup_user(const char __user *s, long max);

/* A number written by a guest (count bytes at s, a final newline
 * allowed): Linux's kstrtoull_from_user. */
int kstrtoull_from_user(const char __user *s, size_t count, unsigned int base,
			unsigned long long *res);

#endif
