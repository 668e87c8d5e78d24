/*
 * Guest memory access through current's software page tables (docs/DESIGN.md
 * rule guest-memory-is-physmem): each page is looked up, faulted in if missing or (for writes)
 * read-only, and copied through its physmem address. No pointer value
 * can crash these: anything not mapped for the access fails cleanly.
 * Under set_fs(KERNEL_DS) the "user" pointers are kernel pointers and
 * the copies are plain memcpys. CPU thread, task context.
 */
#include <glass/export.h>
#include <glass/sched.h>
#include <glass/syscall_patch.h>
#include <glass/uaccess.h>
#include "internal.h"

/* current's address limit. */
mm_segment_t get_fs(void)
{
	return current ? current->addr_limit : USER_DS;
}

/* Set current's address limit; callers restore the old one. */
void set_fs(mm_segment_t seg)
{
	if (current)
		current->addr_limit = seg;
}

/* Under set_fs(KERNEL_DS): "user" pointers are kernel pointers. */
static bool kernel_ds(void)
{
	return current && current->addr_limit.kernel;
}

/* Does [p, p+n) lie below TASK_SIZE? (Always, under KERNEL_DS.) */
bool access_ok(const void __user *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;

	if (kernel_ds())
		return true;
	return n <= TASK_SIZE && a <= TASK_SIZE - n;
}

/* The PTE of a guest address with the access allowed, faulting it in;
 * NULL on a bad address or no memory. */
static u64 *user_pte(struct mm_struct *mm, unsigned long addr, bool write)
{
	u64 need = _PAGE_PRESENT | _PAGE_READ | (write ? _PAGE_RW : 0);
	u64 *pte;
	int si_code;

	if (!mm || addr >= TASK_SIZE)
		return NULL;
	pte = pte_lookup(mm, addr);
	if (pte && (*pte & need) == need)
		return pte;
	if (handle_mm_fault(mm, addr, write ? FAULT_FLAG_WRITE : 0, &si_code) < 0)
		return NULL;
	pte = pte_lookup(mm, addr);
	if (!pte || (*pte & need) != need)
		return NULL;
	return pte;
}

/* Kernel address of a guest byte, or NULL. */
static char *user_addr(unsigned long addr, bool write)
{
	u64 *pte = user_pte(current ? current->mm : NULL, addr, write);

	if (!pte)
		return NULL;
	return (char *)page_address(pte_page(*pte)) + (addr & ~PAGE_MASK);
}

/* Bytes of [addr, addr+n) within addr's page. */
static unsigned long chunk(unsigned long addr, unsigned long n)
{
	return min(n, PAGE_SIZE - (addr & ~PAGE_MASK));
}

enum user_op { USER_READ, USER_WRITE, USER_CLEAR };

/* The page walk behind the three copies below: kbuf is the kernel side
 * (unused for USER_CLEAR). Returns the bytes NOT done, as they do. */
static unsigned long user_xfer(unsigned long a, char *kbuf, unsigned long n,
			       enum user_op op)
{
	unsigned long done = 0;

	if (kernel_ds()) {
		if (op == USER_READ)
			memcpy(kbuf, (void *)a, n);
		else if (op == USER_WRITE)
			memcpy((void *)a, kbuf, n);
		else
			memset((void *)a, 0, n);
		return 0;
	}
	if (!access_ok((const void __user *)a, n))
		return n;
	while (done < n) {
		unsigned long c = chunk(a + done, n - done);
		char *k = user_addr(a + done, op != USER_READ);

		if (!k)
			break;
		if (op == USER_READ)
			memcpy(kbuf + done, k, c);
		else if (op == USER_WRITE)
			memcpy(k, kbuf + done, c);
		else
			memset(k, 0, c);
		done += c;
	}
	return n - done;
}

/* Copy n bytes from the guest; returns the bytes NOT copied. */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return user_xfer((unsigned long)from, to, n, USER_READ);
}
EXPORT_SYMBOL(copy_from_user);

/* Copy n bytes to the guest; returns the bytes NOT copied. */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return user_xfer((unsigned long)to, (char *)from, n, USER_WRITE);
}
EXPORT_SYMBOL(copy_to_user);

/* Zero n bytes of guest memory; returns the bytes NOT cleared. */
unsigned long clear_user(void __user *to, unsigned long n)
{
	return user_xfer((unsigned long)to, NULL, n, USER_CLEAR);
}
EXPORT_SYMBOL(clear_user);

/*
 * Copy a NUL-terminated string of at most count bytes (NUL included)
 * into dst. Returns its length without the NUL, count if there was no
 * NUL in count bytes (dst then unterminated), or -EFAULT.
 */
long strncpy_from_user(char *dst, const char __user *src, long count)
{
	unsigned long a = (unsigned long)src;
	long done = 0;

	if (count <= 0)
		return 0;
	if (kernel_ds()) {
		long n = strnlen(src, count);

		memcpy(dst, src, n < count ? n + 1 : n);
		return n;
	}
	while (done < count) {
		unsigned long c = chunk(a + done, count - done);
		const char *k = user_addr(a + done, false);
		const char *nul;

		if (!k)
			return -EFAULT;
		nul = memchr(k, 0, c);
		if (nul) {
			memcpy(dst + done, k, nul - k + 1);
			return done + (nul - k);
		}
		memcpy(dst + done, k, c);
		done += c;
	}
	return count;
}

/* Length of a guest string with its NUL; 0 on a fault; > n if longer. */
long strnlen_user(const char __user *s, long n)
{
	unsigned long a = (unsigned long)s;
	long done = 0;

	if (n <= 0)
		return 0;
	if (kernel_ds())
		return strnlen(s, n) + 1;
	while (done < n) {
		unsigned long c = chunk(a + done, n - done);
		const char *k = user_addr(a + done, false);
		const char *nul;

		if (!k)
			return 0;
		nul = memchr(k, 0, c);
		if (nul)
			return done + (nul - k) + 1;
		done += c;
	}
	return n + 1;
}

/* A kmalloc'd copy of a guest string of at most max bytes with its NUL;
 * ERR_PTR(-EFAULT), ERR_PTR(-ENAMETOOLONG) or ERR_PTR(-ENOMEM). */
char *strndup_user(const char __user *s, long max)
{
	long len = strnlen_user(s, max);
	char *p;

	if (!len)
		return ERR_PTR(-EFAULT);
	if (len > max)
		return ERR_PTR(-ENAMETOOLONG);
	p = kmalloc(len, GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, s, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	p[len - 1] = '\0';
	return p;
}

/* A number a guest wrote (count bytes at s; a final newline allowed),
 * as Linux's kstrtoull_from_user: 0, -EINVAL, -ERANGE or -EFAULT. */
int kstrtoull_from_user(const char __user *s, size_t count, unsigned int base,
			unsigned long long *res)
{
	char buf[24];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, s, count))
		return -EFAULT;
	buf[count] = '\0';
	return kstrtoull(buf, base, res);
}
EXPORT_SYMBOL(kstrtoull_from_user);

/* The frame behind a guest address of mm, faulted in (for write: made
 * private and writable), with a reference the caller puts; NULL if the
 * address is bad. Any mm, not only current's. */
struct page *get_user_page(struct mm_struct *mm, unsigned long addr, bool write)
{
	u64 *pte = user_pte(mm, addr, write);
	struct page *page;

	if (!pte)
		return NULL;
	page = pte_page(*pte);
	get_page(page);
	return page;
}

long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      unsigned long len, unsigned int gup_flags)
{
	bool write = gup_flags & FOLL_WRITE;
	bool debugger = (gup_flags & (FOLL_FORCE | FOLL_PATCH)) == FOLL_FORCE && mm && mm->sc;
	unsigned long done = 0;

	if (debugger && write)
		syscall_patch_unpatch(mm, addr, len);

	while (done < len) {
		unsigned long a = addr + done, n = chunk(a, len - done);
		struct page *p;
		char *kaddr;

		if (write && (gup_flags & FOLL_FORCE))
			p = get_user_page_force(mm, a);
		else
			p = get_user_page(mm, a, write);
		if (!p)
			break;
		kaddr = (char *)page_address(p) + (a & ~PAGE_MASK);
		if (write)
			memcpy(kaddr, (char *)buf + done, n);
		else
			memcpy((char *)buf + done, kaddr, n);
		put_page(p);
		done += n;
	}
	if (debugger && !write)
		syscall_patch_hide(mm, addr, buf, done);
	return done;
}
