/*
 * What glass-ptproxy does with each call the filter routes to it: calls
 * about guest pids are forwarded to the kernel (ptrace, wait4,
 * process_vm_readv/writev, the /proc files), their buffers copied between
 * the tool's memory and the wire; the rest continue natively, so the
 * tool's own children (strace's and gdb's self-tests) stay host ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <ptproxy/procpath.h>
#include "proxy.h"

#define MAX_GUEST_PIDS 256
static pid_t guests[MAX_GUEST_PIDS];
static int nguests;
static bool attached;           /* a SEIZE/ATTACH succeeded: wait4(-1) is ours */

void guest_pid_add(pid_t pid)
{
	if (pid > 0 && !guest_pid(pid) && nguests < MAX_GUEST_PIDS)
		guests[nguests++] = pid;
}

bool guest_pid(pid_t pid)
{
	for (int i = 0; i < nguests; i++)
		if (guests[i] == pid)
			return true;
	return false;
}

/* The tool's memory (thread tid): whole copies or -EFAULT. */
static int tool_read(pid_t tid, void *buf, unsigned long addr, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };

	return process_vm_readv(tid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

static int tool_write(pid_t tid, unsigned long addr, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)addr, len };

	return process_vm_writev(tid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* The buffer a ptrace request's data points to: bytes, and whether it is
 * read (SET*) or written (GET*). 0: data is a value. */
static long ptrace_io(long req, unsigned long addr, bool *in)
{
	*in = false;
	switch (req) {
	case PTRACE_PEEKTEXT: case PTRACE_PEEKDATA: case PTRACE_PEEKUSER:
	case PTRACE_GETEVENTMSG:
		return 8;
	case PTRACE_GETREGS:
		return 216;
	case PTRACE_SETREGS:
		*in = true;
		return 216;
	case PTRACE_GETFPREGS:
		return 512;
	case PTRACE_SETFPREGS:
		*in = true;
		return 512;
	case PTRACE_GETSIGINFO:
		return 128;
	case PTRACE_SETSIGINFO:
		*in = true;
		return 128;
	case PTRACE_GET_SYSCALL_INFO:
		return addr > PTP_MAX_PAYLOAD ? PTP_MAX_PAYLOAD : (long)addr;
	default:
		return 0;
	}
}

static long fwd_ptrace(const struct seccomp_notif *n)
{
	const __u64 *a = n->data.args;
	long req = a[0], ret;
	pid_t tid = n->pid;
	struct ptp_msg m = { .op = PTP_PTRACE, .args = { req, (pid_t)a[1], a[2], a[3] } }, r;
	struct { u64 base, len; } iov;
	static u8 buf[PTP_MAX_PAYLOAD];
	bool in, regset = req == PTRACE_GETREGSET || req == PTRACE_SETREGSET;
	unsigned long where = a[3];

	m.args[4] = ptrace_io(req, a[2], &in);
	if (regset) {
		if (tool_read(tid, &iov, a[3], sizeof(iov)))
			return -EFAULT;
		m.args[4] = iov.len > PTP_MAX_PAYLOAD ? PTP_MAX_PAYLOAD : iov.len;
		m.args[5] = PTP_IO_IOVEC;
		in = req == PTRACE_SETREGSET;
		where = iov.base;
	}
	if (in) {
		if (tool_read(tid, buf, where, m.args[4]))
			return -EFAULT;
		m.payload = buf;
		m.len = m.args[4];
	}
	if ((ret = kconn_call(&m, &r)))
		return ret;
	ret = r.args[0];
	if (ret >= 0 && r.len && !in && tool_write(tid, where, r.payload, r.len))
		return -EFAULT;
	if (ret >= 0 && regset) {
		iov.len = r.len;
		tool_write(tid, a[3] + 8, &iov.len, 8);
	}
	if (ret >= 0 && (req == PTRACE_ATTACH || req == PTRACE_SEIZE))
		attached = true;
	if (ret >= 0 && req == PTRACE_GETEVENTMSG)
		guest_pid_add(*(const u64 *)r.payload);
	return ret;
}

/* Stops the kernel reported for a wait whose answer the tool never got
 * (its wait4 was interrupted by a signal, SIGCHLD from us included, after
 * we asked the kernel): the next matching wait4 gets them. */
#define MAX_HELD 16
static struct { pid_t pid; int status; } held[MAX_HELD];
static int nheld;

static void hold(pid_t pid, int status)
{
	if (nheld < MAX_HELD) {
		held[nheld].pid = pid;
		held[nheld++].status = status;
	}
}

/* A held stop for wait4's pid argument (-1: any): its pid, else 0. */
static pid_t take_held(pid_t pid, int *status)
{
	for (int i = 0; i < nheld; i++) {
		pid_t p = held[i].pid;

		if (pid != -1 && pid != p)
			continue;
		*status = held[i].status;
		memmove(&held[i], &held[i + 1], (nheld - i - 1) * sizeof(held[0]));
		nheld--;
		return p;
	}
	return 0;
}

/* wait4 with WNOHANG: the pid (0: nothing yet), or -errno; the status
 * in *status. */
static long fwd_wait(const struct seccomp_notif *n, int *status)
{
	const __u64 *a = n->data.args;
	struct ptp_msg m = { .op = PTP_WAIT, .args = { (int)a[0], (unsigned int)a[2] } }, r;
	static const u8 zero[144];
	long pid = take_held(a[0], status);
	int err;

	if (!pid) {
		if ((err = kconn_call(&m, &r)))
			return err;
		if (r.args[0] <= 0)
			return r.args[0];
		pid = r.args[0];
		*status = r.args[1];
		guest_pid_add(pid);
	}
	if ((a[1] && tool_write(n->pid, a[1], status, sizeof(*status))) ||
	    (a[3] && tool_write(n->pid, a[3], zero, sizeof(zero)))) {
		hold(pid, *status);
		return -EFAULT;
	}
	return pid;
}

/* Blocking waits with nothing to report yet: answered after a stop. */
#define MAX_PARKED 16
static struct seccomp_notif parked[MAX_PARKED];
static int nparked;

/* The answer to notification id; false if the call is gone (a signal
 * interrupted it: a restarted call is a new notification). */
static bool respond(int nfd, u64 id, long ret)
{
	struct seccomp_notif_resp resp = { .id = id };

	if (ret < 0)
		resp.error = ret;
	else
		resp.val = ret;
	return !ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* A wait4's answer: a reaped stop the tool did not get is held. */
static void respond_wait(int nfd, u64 id, long ret, int status)
{
	if (!respond(nfd, id, ret) && ret > 0)
		hold(ret, status);
}

void serve_retry_waits(int nfd)
{
	int kept = 0;

	for (int i = 0; i < nparked; i++) {
		int status;
		long ret;

		/* A wait the tool gave up (a signal: strace's ^C) is gone. */
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &parked[i].id))
			continue;
		ret = fwd_wait(&parked[i], &status);
		if (ret)
			respond_wait(nfd, parked[i].id, ret, status);
		else
			parked[kept++] = parked[i];
	}
	nparked = kept;
}

static long fwd_vm(const struct seccomp_notif *n, bool write)
{
	const __u64 *a = n->data.args;
	struct iovec liov[16], riov[16];
	unsigned long lcnt = a[2], rcnt = a[4];
	static u8 buf[PTP_MAX_PAYLOAD];
	long done = 0;
	size_t li = 0, loff = 0;

	if (lcnt > 16 || rcnt > 16)
		return -EINVAL;
	if (tool_read(n->pid, liov, a[1], lcnt * sizeof(*liov)) ||
	    tool_read(n->pid, riov, a[3], rcnt * sizeof(*riov)))
		return -EFAULT;
	/* Remote segment by segment, in chunks; local iovs filled in order. */
	for (size_t ri = 0; ri < rcnt; ri++) {
		for (size_t off = 0; off < riov[ri].iov_len; ) {
			size_t len = riov[ri].iov_len - off;
			struct ptp_msg m = { .op = write ? PTP_VM_WRITE : PTP_VM_READ,
					     .args = { (pid_t)a[0], (u64)riov[ri].iov_base + off } }, r;
			size_t room;

			while (li < lcnt && loff == liov[li].iov_len) {
				li++;
				loff = 0;
			}
			if (li == lcnt)
				return done;
			room = liov[li].iov_len - loff;
			len = len < room ? len : room;
			len = len < sizeof(buf) ? len : sizeof(buf);
			if (write) {
				if (tool_read(n->pid, buf, (u64)liov[li].iov_base + loff, len))
					return done ? done : -EFAULT;
				m.payload = buf;
				m.len = len;
			} else {
				m.args[2] = len;
			}
			if (kconn_call(&m, &r) || r.args[0] <= 0)
				return done ? done : (r.args[0] ? r.args[0] : -EFAULT);
			if (!write && tool_write(n->pid, (u64)liov[li].iov_base + loff,
						 r.payload, r.args[0]))
				return done ? done : -EFAULT;
			done += r.args[0];
			off += r.args[0];
			loff += r.args[0];
			if ((size_t)r.args[0] < len)
				return done;
		}
	}
	return done;
}

/* /proc/N/task of a guest: a directory of its threads' ids (the kernel's
 * list), made for the tool; each thread id becomes a guest pid. */
static char task_base[] = "/tmp/glass-ptproxy-task.XXXXXX";
static bool task_base_made;

/* Remove pid's stand-in directory and what it holds. */
static void task_dir_remove(pid_t pid)
{
	char path[64];

	for (int i = 0; i < nguests; i++) {
		snprintf(path, sizeof(path), "%s/%d/%d", task_base, pid, guests[i]);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/%d", task_base, pid);
	rmdir(path);
}

static int task_dir(pid_t pid)
{
	struct ptp_msg m = { .op = PTP_PROC, .args = { pid, pid, PTP_PROC_TASKS } }, r;
	char path[64], tids[PTP_MAX_PAYLOAD + 1];
	long err;
	int fd;

	if (!task_base_made && !mkdtemp(task_base))
		return -errno;
	task_base_made = true;
	if ((err = kconn_call(&m, &r)))
		return err;
	if (r.args[0] < 0)
		return r.args[0];
	memcpy(tids, r.payload, r.len);
	tids[r.len] = 0;
	task_dir_remove(pid);           /* threads gone since the last look */
	snprintf(path, sizeof(path), "%s/%d", task_base, pid);
	mkdir(path, 0700);
	for (char *p = tids, *end; *p; p = end + 1) {
		long tid = strtol(p, &end, 10);

		if (end == p || *end != '\n')
			break;
		guest_pid_add(tid);
		snprintf(path, sizeof(path), "%s/%d/%ld", task_base, pid, tid);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/%d", task_base, pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void serve_cleanup(void)
{
	if (!task_base_made)
		return;
	for (int i = 0; i < nguests; i++)
		task_dir_remove(guests[i]);
	rmdir(task_base);
}

/* The guest pid whose memory each placeholder fd stands for. */
static pid_t mem_pid[MEM_FD_SLOTS];

/* A placeholder for /proc/N/mem: /dev/null at a reserved number (the
 * slot already N's, else a free one, else the first). */
static int mem_slot(pid_t pid)
{
	int i;

	for (i = 0; i < MEM_FD_SLOTS && mem_pid[i] != pid; i++)
		;
	if (i == MEM_FD_SLOTS)
		for (i = 0; i < MEM_FD_SLOTS - 1 && mem_pid[i]; i++)
			;
	mem_pid[i] = pid;
	return i;
}

/* pread64/pwrite64 on a placeholder: the guest's memory at the offset,
 * EIO where nothing is mapped, as /proc/PID/mem. */
static long fwd_mem(const struct seccomp_notif *n, bool write)
{
	const __u64 *a = n->data.args;
	static u8 buf[PTP_MAX_PAYLOAD];
	size_t want = a[2] < sizeof(buf) ? a[2] : sizeof(buf);
	struct ptp_msg m = { .op = write ? PTP_VM_WRITE : PTP_VM_READ,
			     .args = { mem_pid[a[0] - MEM_FD_BASE], a[3], want } }, r;
	long err;

	if (!m.args[0])
		return -EBADF;
	if (write) {
		if (tool_read(n->pid, buf, a[1], want))
			return -EFAULT;
		m.args[2] = 0;
		m.payload = buf;
		m.len = want;
	}
	if ((err = kconn_call(&m, &r)))
		return err;
	if (r.args[0] <= 0)
		return r.args[0] ? r.args[0] : -EIO;
	if (!write && tool_write(n->pid, a[1], r.payload, r.args[0]))
		return -EFAULT;
	return r.args[0];
}

/* kill, tkill, tgkill to a guest: true (with *ret) if forwarded. Process
 * groups (negative pids) and host pids are the host's. */
static bool fwd_kill(const struct seccomp_notif *n, long *ret)
{
	const __u64 *a = n->data.args;
	struct ptp_msg m = { .op = PTP_KILL }, r;
	long err;

	switch (n->data.nr) {
	case SYS_kill:
		m.args[0] = (int)a[0];
		m.args[2] = (int)a[1];
		break;
	case SYS_tkill:
		m.args[1] = (int)a[0];
		m.args[2] = (int)a[1];
		break;
	default:
		m.args[0] = (int)a[0];
		m.args[1] = (int)a[1];
		m.args[2] = (int)a[2];
		break;
	}
	if (!guest_pid(m.args[0]) && !guest_pid(m.args[1]))
		return false;
	err = kconn_call(&m, &r);
	*ret = err ? err : r.args[0];
	return true;
}

/* The /proc path a call names (at addr in the tool): its kind, and in
 * *p which guest's; PTP_PATH_OTHER for anything else. */
static enum ptp_path_kind proc_path(const struct seccomp_notif *n, u64 addr, struct ptp_path *p)
{
	char path[256] = "";

	/* Byte by byte would be exact; a short read near a page end is
	 * retried shorter. */
	for (size_t len = sizeof(path) - 1; len >= 16; len /= 2)
		if (!tool_read(n->pid, path, addr, len))
			break;
	if (ptp_parse_proc_path(path, sizeof(path), p) == PTP_PATH_OTHER || !guest_pid(p->pid))
		return PTP_PATH_OTHER;
	return p->kind;
}

/* The host path of a copy of the program guest pid runs (the kernel
 * keeps it in the umid directory): its length, or -errno. */
static long exe_path(pid_t pid, char *buf, size_t size)
{
	struct ptp_msg m = { .op = PTP_PROC, .args = { pid, pid, PTP_PROC_EXE } }, r;
	long err = kconn_call(&m, &r);

	if (err)
		return err;
	if (r.args[0] < 0)
		return r.args[0];
	if (r.len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, r.payload, r.len);
	buf[r.len] = 0;
	return r.len;
}

/* /proc/N[/task/T]/{status,stat,comm,maps} of a guest: the kernel's
 * text in a memfd for the tool, or -errno. */
static int text_file(const struct ptp_path *p)
{
	static const int file[] = { [PTP_PATH_STATUS] = PTP_PROC_STATUS,
		[PTP_PATH_STAT] = PTP_PROC_STAT, [PTP_PATH_COMM] = PTP_PROC_COMM,
		[PTP_PATH_MAPS] = PTP_PROC_MAPS };
	struct ptp_msg m = { .op = PTP_PROC, .args = { p->pid, p->tid, file[p->kind] } }, r;
	long err = kconn_call(&m, &r);
	int fd;

	if (err)
		return err;
	if (r.args[0] < 0)
		return r.args[0];
	fd = memfd_create("glass-ptproxy", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, r.payload, r.len, 0) != (ssize_t)r.len) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* /proc/N/ns/{mnt,pid} of a guest stand for the tool's own (tid's), so
 * that gdb sees its tracee in its own namespaces: the guest has none. */
static void own_ns(const struct seccomp_notif *n, const struct ptp_path *p, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/%d/ns/%s", n->pid, p->kind == PTP_PATH_NS_MNT ? "mnt" : "pid");
}

/* readlink, readlinkat of /proc/N/exe and /proc/N/ns/{mnt,pid}: true (with *ret)
 * if ours. */
static bool fwd_readlink(const struct seccomp_notif *n, long *ret)
{
	bool at = n->data.nr == SYS_readlinkat;
	const __u64 *a = n->data.args + at;     /* path, buf, bufsiz */
	char target[4096], ns[64];
	struct ptp_path p;
	long len;

	switch (proc_path(n, a[0], &p)) {
	case PTP_PATH_EXE:
		len = exe_path(p.pid, target, sizeof(target));
		break;
	case PTP_PATH_NS_MNT:
	case PTP_PATH_NS_PID:
		own_ns(n, &p, ns, sizeof(ns));
		len = readlink(ns, target, sizeof(target));
		if (len < 0)
			len = -errno;
		break;
	default:
		return false;
	}
	if (len >= 0) {
		len = (size_t)len < a[2] ? len : (long)a[2];
		if (tool_write(n->pid, a[1], target, len))
			len = -EFAULT;
	}
	*ret = len;
	return true;
}

/* openat: true (with *ret) for a guest's /proc file we answer. */
static bool fwd_open(int nfd, const struct seccomp_notif *n, long *ret)
{
	struct ptp_path p;
	struct seccomp_notif_addfd add = { .id = n->id, .flags = SECCOMP_ADDFD_FLAG_SEND };
	enum ptp_path_kind kind = proc_path(n, n->data.args[1], &p);
	char target[4096];
	int fd;

	switch (kind) {
	case PTP_PATH_NS_MNT:
	case PTP_PATH_NS_PID:
		own_ns(n, &p, target, sizeof(target));
		if ((fd = open(target, O_RDONLY | O_CLOEXEC)) < 0)
			fd = -errno;
		break;
	case PTP_PATH_STATUS:
	case PTP_PATH_STAT:
	case PTP_PATH_COMM:
	case PTP_PATH_MAPS:
		fd = text_file(&p);
		break;
	case PTP_PATH_EXE:
		fd = exe_path(p.pid, target, sizeof(target));
		if (fd >= 0 && (fd = open(target, O_RDONLY | O_CLOEXEC)) < 0)
			fd = -errno;
		break;
	case PTP_PATH_MEM:
		if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
			fd = -errno;
		add.flags |= SECCOMP_ADDFD_FLAG_SETFD;
		add.newfd = MEM_FD_BASE + mem_slot(p.tid);
		break;
	case PTP_PATH_TASKDIR:
		fd = task_dir(p.pid);
		break;
	default:
		return false;
	}
	if (fd < 0) {
		*ret = fd;
		return true;
	}
	add.srcfd = fd;
	add.newfd_flags = (n->data.args[2] & O_CLOEXEC) ? O_CLOEXEC : 0;
	*ret = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	close(fd);
	*ret = *ret < 0 ? -errno : -EINPROGRESS;       /* already answered */
	return true;
}

/*
 * A ptrace call's answer the tool never got: a signal (our own SIGCHLD
 * among them) interrupted the call after we had forwarded it, and the
 * tool restarts it with the same arguments. The kernel must not see it
 * twice (a second ATTACH is EPERM, a second CONT finds the tracee
 * running), so the restart gets the first call's answer. One per tool
 * thread; the thread's next call that is not the restart drops it.
 */
#define MAX_LOST 8
static struct lost_answer {
	pid_t tid;
	__u64 args[4];
	long ret;
} lost[MAX_LOST];

static void keep_lost(const struct seccomp_notif *n, long ret)
{
	struct lost_answer *l = &lost[0];

	for (int i = 0; i < MAX_LOST; i++) {
		if (lost[i].tid == (pid_t)n->pid || !lost[i].tid) {
			l = &lost[i];
			break;
		}
	}
	l->tid = n->pid;
	memcpy(l->args, n->data.args, sizeof(l->args));
	l->ret = ret;
}

/* Any call of that thread ends the wait for a restart; only the same
 * ptrace call gets the answer. */
static bool take_lost(const struct seccomp_notif *n, long *ret)
{
	for (int i = 0; i < MAX_LOST; i++) {
		if (lost[i].tid != (pid_t)n->pid)
			continue;
		lost[i].tid = 0;
		if (n->data.nr != SYS_ptrace ||
		    memcmp(lost[i].args, n->data.args, sizeof(lost[i].args)))
			return false;
		*ret = lost[i].ret;
		return true;
	}
	return false;
}

bool serve_notification(int nfd, const struct seccomp_notif *n)
{
	const __u64 *a = n->data.args;
	int status = 0;
	long ret;
	bool restart = take_lost(n, &ret);

	switch (n->data.nr) {
	case SYS_ptrace:
		if (!guest_pid((pid_t)a[1]))
			return false;
		if (!restart)
			ret = fwd_ptrace(n);
		if (!respond(nfd, n->id, ret))
			keep_lost(n, ret);
		return true;
	case SYS_wait4:
		if (!(guest_pid((pid_t)a[0]) || ((int)a[0] == -1 && attached)))
			return false;
		ret = fwd_wait(n, &status);
		if (!ret && !(a[2] & WNOHANG) && nparked < MAX_PARKED)
			parked[nparked++] = *n;         /* answered after a stop */
		else
			respond_wait(nfd, n->id, ret, status);
		return true;
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
		if (!guest_pid((pid_t)a[0]))
			return false;
		ret = fwd_vm(n, n->data.nr == SYS_process_vm_writev);
		break;
	case SYS_kill:
	case SYS_tkill:
	case SYS_tgkill:
		if (!fwd_kill(n, &ret))
			return false;
		break;
	case SYS_pread64:
	case SYS_pwrite64:
		ret = fwd_mem(n, n->data.nr == SYS_pwrite64);
		break;
	case SYS_readlink:
	case SYS_readlinkat:
		if (!fwd_readlink(n, &ret))
			return false;
		break;
	case SYS_openat:
		if (!fwd_open(nfd, n, &ret))
			return false;
		if (ret == -EINPROGRESS)
			return true;
		break;
	default:
		return false;
	}
	respond(nfd, n->id, ret);
	return true;
}
