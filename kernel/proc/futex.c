/*
 * futex(2): wait, wake, requeue, wake_op and the bitset forms glibc uses.
 * A futex is keyed by (mm, address) for private mappings and by (frame,
 * offset) for shared ones, so processes sharing memory meet on one key.
 * Waiters sit on one global list: guests have few futexes in flight.
 */
#include <glass/futex.h>
#include <glass/mm.h>
#include <glass/proc.h>
#include <glass/sched.h>
#include <glass/syscalls.h>
#include <uapi/futex.h>

struct futex_key {
	void *base;             /* mm (private) or struct page (shared) */
	unsigned long off;
};

struct futex_q {
	struct list_head list;
	struct futex_key key;
	struct task_struct *task;
	u32 bitset;
	bool woken;
};

static LIST_HEAD(futex_queue);

static int get_futex_key(struct mm_struct *mm, unsigned long uaddr, bool private,
			 struct futex_key *key)
{
	struct vm_area_struct *vma;

	if (uaddr & 3)
		return -EINVAL;
	if (!access_ok((void __user *)uaddr, 4))
		return -EFAULT;
	vma = private ? NULL : find_vma(mm, uaddr);
	if (vma && vma->vm_start <= uaddr && (vma->vm_flags & VM_SHARED)) {
		struct page *page = get_user_page(mm, uaddr, false);
		if (!page)
			return -EFAULT;
		key->base = page;
		key->off = uaddr & (PAGE_SIZE - 1);
		put_page(page);
		return 0;
	}
	key->base = mm;
	key->off = uaddr;
	return 0;
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->base == b->base && a->off == b->off;
}

static int wake_key(const struct futex_key *key, int n, u32 bitset)
{
	struct futex_q *q, *tmp;
	int woken = 0;

	list_for_each_entry_safe(q, tmp, &futex_queue, list) {
		if (woken >= n)
			break;
		if (!key_eq(&q->key, key) || !(q->bitset & bitset))
			continue;
		list_del(&q->list);
		q->woken = true;
		wake_up_process(q->task);
		woken++;
	}
	return woken;
}

int futex_wake_addr(struct mm_struct *mm, unsigned long addr, int n)
{
	struct futex_key key = { mm, addr };

	return wake_key(&key, n, FUTEX_BITSET_MATCH_ANY);
}

static long futex_wait(u32 __user *uaddr, bool private, u32 val, u64 timeout_ns,
		       bool has_timeout, u32 bitset)
{
	struct futex_q q = { .task = current, .bitset = bitset };
	u32 cur;
	int err;

	if (!bitset)
		return -EINVAL;
	err = get_futex_key(current->mm, (unsigned long)uaddr, private, &q.key);
	if (err)
		return err;
	if (get_user(cur, uaddr))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(&q.list, &futex_queue);
	current->wchan = "futex_wait";
	for (;;) {
		if (has_timeout) {
			u64 now = ktime_get_ns();
			if (now >= timeout_ns) {
				err = -ETIMEDOUT;
				break;
			}
			schedule_timeout_ns(timeout_ns - now, true, NULL);
		} else {
			set_current_state(TASK_INTERRUPTIBLE);
			if (!q.woken && !signal_pending_current())
				schedule();
			set_current_state(TASK_RUNNING);
		}
		if (q.woken)
			return 0;
		if (signal_pending_current()) {
			err = has_timeout ? -EINTR : -ERESTARTSYS;
			break;
		}
	}
	list_del(&q.list);
	return err;
}

/* FUTEX_WAKE_OP's operation on *uaddr2, and its comparison. */
static long wake_op(u32 __user *uaddr1, u32 __user *uaddr2, bool private, int n1,
		    int n2, u32 op)
{
	struct futex_key k1, k2;
	int opcode = (op >> 28) & 7, cmp = (op >> 24) & 15;
	u32 oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff, old, nv;
	int err, woken, hit;

	if (op & (8u << 28))
		oparg = 1u << (oparg & 31);
	err = get_futex_key(current->mm, (unsigned long)uaddr1, private, &k1);
	if (!err)
		err = get_futex_key(current->mm, (unsigned long)uaddr2, private, &k2);
	if (err)
		return err;
	if (get_user(old, uaddr2))
		return -EFAULT;
	switch (opcode) {
	case 0: nv = oparg; break;
	case 1: nv = old + oparg; break;
	case 2: nv = old | oparg; break;
	case 3: nv = old & ~oparg; break;
	case 4: nv = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (put_user(nv, uaddr2))
		return -EFAULT;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (int)old < (int)cmparg; break;
	case 3: hit = (int)old <= (int)cmparg; break;
	case 4: hit = (int)old > (int)cmparg; break;
	case 5: hit = (int)old >= (int)cmparg; break;
	default: return -ENOSYS;
	}
	woken = wake_key(&k1, n1, FUTEX_BITSET_MATCH_ANY);
	if (hit)
		woken += wake_key(&k2, n2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

static long requeue(u32 __user *uaddr1, u32 __user *uaddr2, bool private, int nwake,
		    int nrequeue, bool cmp, u32 cmpval)
{
	struct futex_key k1, k2;
	struct futex_q *q, *tmp;
	int err, done = 0;
	u32 cur;

	err = get_futex_key(current->mm, (unsigned long)uaddr1, private, &k1);
	if (!err)
		err = get_futex_key(current->mm, (unsigned long)uaddr2, private, &k2);
	if (err)
		return err;
	if (cmp) {
		if (get_user(cur, uaddr1))
			return -EFAULT;
		if (cur != cmpval)
			return -EAGAIN;
	}
	done = wake_key(&k1, nwake, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(q, tmp, &futex_queue, list) {
		if (nrequeue <= 0)
			break;
		if (key_eq(&q->key, &k1)) {
			q->key = k2;
			nrequeue--;
			done++;
		}
	}
	return done;
}

struct timespec_user {
	long tv_sec;
	long tv_nsec;
};

SYSCALL_DEFINE6(futex, u32 __user *, uaddr, int, op, u32, val,
		const struct timespec_user __user *, utime, u32 __user *, uaddr2,
		u32, val3)
{
	bool private = op & FUTEX_PRIVATE_FLAG;
	int cmd = op & FUTEX_CMD_MASK;
	struct timespec_user ts;
	u64 deadline = 0;

	if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && utime) {
		if (copy_from_user(&ts, utime, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		u64 t = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		if (cmd == FUTEX_WAIT) {
			deadline = ktime_get_ns() + t;      /* relative */
		} else if (op & FUTEX_CLOCK_REALTIME) {
			u64 now = ktime_get_real_ns();      /* absolute realtime */
			deadline = ktime_get_ns() + (t > now ? t - now : 0);
		} else {
			deadline = t;                       /* absolute monotonic */
		}
	}
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, private, val, deadline, utime, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, private, val, deadline, utime, val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct futex_key key;
		int err = get_futex_key(current->mm, (unsigned long)uaddr, private, &key);
		if (err)
			return err;
		return wake_key(&key, (int)val,
				cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
	}
	case FUTEX_REQUEUE:
		return requeue(uaddr, uaddr2, private, (int)val, (int)(unsigned long)utime,
			       false, 0);
	case FUTEX_CMP_REQUEUE:
		return requeue(uaddr, uaddr2, private, (int)val, (int)(unsigned long)utime,
			       true, val3);
	case FUTEX_WAKE_OP:
		return wake_op(uaddr, uaddr2, private, (int)val, (int)(unsigned long)utime, val3);
	}
	return -ENOSYS;
}

SYSCALL_DEFINE2(set_robust_list, void __user *, head, size_t, len)
{
	return len == 24 ? 0 : -EINVAL;
}
