/*
 * The kernel side of glass-ptproxy (ptproxy/README.md): a listener on
 * <umid dir>/ptproxy (kernel/os/ptproxy.c makes it, 0600) and, per
 * proxy connection, a kernel thread "ptproxy" that is the host tool's
 * tracer identity: it owns the tracees the tool attaches to, reaps their
 * stops through the ordinary wait4, and runs each forwarded request with
 * set_fs(KERNEL_DS), its buffers in the connection.
 *
 * Context: the socket fds are CPU-thread interrupts (os_irq_add) whose
 * handlers only mask themselves and wake the thread; the thread reads,
 * decodes (ptproxy/wire.c), serves and writes. The monitor thread plays
 * no part, so nothing here can block it.
 *
 * The thread never blocks in a wait4 for the tool: waits run with WNOHANG
 * and a stop is announced with PTP_EV_STOP, after which the proxy asks
 * again. So a tool's ^C (its blocked wait4 interrupted on the host) needs
 * nothing from the kernel.
 */
#include <glass/errno.h>
#include <glass/fs.h>
#include <glass/init.h>
#include <glass/kernel.h>
#include <glass/mm.h>
#include <glass/os.h>
#include <glass/proc.h>
#include <glass/proc_fs.h>
#include <glass/ptrace_task.h>
#include <glass/sched.h>
#include <glass/signal.h>
#include <glass/uaccess.h>
#include <glass/wait.h>
#include <uapi/wait.h>
#include <ptproxy/wire.h>

struct ptp_conn {
	int fd;
	bool readable;          /* the irq fired: read until -EAGAIN */
	bool announced;         /* PTP_EV_STOP sent, no wait since */
	struct task_struct *task;
	size_t in_len;
	u8 in[PTP_HDR_LEN + PTP_MAX_PAYLOAD];
	u8 io[PTP_MAX_PAYLOAD];         /* a request's buffer (regs, memory) */
	u8 out[PTP_HDR_LEN + PTP_MAX_PAYLOAD];
	char path[4096];                /* PTP_PROC_EXE's answer */
};

static void conn_interrupt(int fd, void *arg)
{
	struct ptp_conn *c = arg;

	os_irq_del(fd);         /* level-triggered: the thread unmasks it */
	c->readable = true;
	if (c->task)
		wake_up(&c->task->signal->wait_chldexit);
}

static int send_msg(struct ptp_conn *c, const struct ptp_msg *m)
{
	long n = ptp_encode(c->out, sizeof(c->out), m);

	if (n < 0)
		return n;
	n = os_write_wait(c->fd, c->out, n, 5000);
	return n < 0 ? n : 0;
}

/* PTP_PTRACE: args request, pid, addr, data, io_len, flags. With io_len,
 * data is our buffer (the payload in, io_len bytes back), or with
 * PTP_IO_IOVEC an iovec on it (GETREGSET/SETREGSET: back as long as the
 * kernel left iov_len). */
static long serve_ptrace(struct ptp_conn *c, const struct ptp_msg *m, struct ptp_msg *r)
{
	struct { void *base; unsigned long len; } iov = { c->io, m->args[4] };
	unsigned long data = m->args[3];
	long ret;

	for (u32 i = 0; i < m->len; i++)
		c->io[i] = m->payload[i];
	if (m->args[4])
		data = m->args[5] & PTP_IO_IOVEC ? (unsigned long)&iov : (unsigned long)c->io;
	ret = ptrace_request(current, m->args[0], m->args[1], m->args[2], data);
	if (m->args[4] && ret >= 0) {
		r->len = m->args[5] & PTP_IO_IOVEC ? iov.len : (u32)m->args[4];
		r->payload = c->io;
	}
	return ret;
}

/* A tracee of ours by pid, for memory access: what gdb reads through
 * /proc/PID/task/PID/mem only once it is attached. */
static struct task_struct *our_tracee(pid_t pid)
{
	struct task_struct *t = find_task_by_pid(pid);

	return t && t->pt.tracer == current ? t : NULL;
}

static long serve_vm(struct ptp_conn *c, const struct ptp_msg *m, struct ptp_msg *r)
{
	struct task_struct *t = our_tracee(m->args[0]);
	long ret;

	if (!t)
		return find_task_by_pid(m->args[0]) ? -EPERM : -ESRCH;
	if (m->op == PTP_VM_WRITE) {
		for (u32 i = 0; i < m->len; i++)
			c->io[i] = m->payload[i];
		return ptrace_access_vm(t, m->args[1], c->io, m->len, true);
	}
	ret = ptrace_access_vm(t, m->args[1], c->io, m->args[2], false);
	if (ret > 0) {
		r->len = ret;
		r->payload = c->io;
	}
	return ret;
}

/* PTP_PROC_EXE: the program pid runs, copied to <umid dir>/exe-PID (its
 * file may live in the initramfs or a tmpfs, which the host cannot
 * open); the copy's host path as the payload. */
static long proc_exe(struct ptp_conn *c, pid_t pid, struct ptp_msg *r)
{
	struct task_struct *t = find_task_by_pid(pid);
	struct file *f;
	loff_t pos = 0;
	long n, err = 0;
	int fd;

	if (!t)
		return -ESRCH;
	if (!t->mm || !(f = t->mm->exe_file))
		return -ENOENT;
	fd = os_umid_create_exe(pid, c->path, sizeof(c->path));
	if (fd < 0)
		return fd;
	while (!err && (n = kernel_read(f, c->io, sizeof(c->io), &pos)) > 0)
		err = os_pwrite_all(fd, c->io, n, pos - n);
	os_close(fd);
	if (err || n < 0)
		return err ? err : n;
	r->payload = (const u8 *)c->path;
	r->len = strlen(c->path);
	return r->len;
}

/* PTP_PROC_TASKS: the thread ids of pid's group, one a line (what
 * /proc/PID/task lists). */
static long proc_tasks(struct ptp_conn *c, pid_t pid, struct ptp_msg *r)
{
	struct task_struct *t = find_task_by_pid(pid), *leader;
	size_t len = 0;

	if (!t || t->exit_state)
		return -ESRCH;
	leader = t->group_leader;
	t = leader;
	do {
		if (!t->exit_state)
			len += scnprintf((char *)c->io + len, sizeof(c->io) - len, "%d\n", t->pid);
		t = list_next_entry(t, thread_group);
	} while (t != leader);
	r->payload = c->io;
	r->len = len;
	return len;
}

/* A /proc file's text for thread tid of pid's group; /proc/TID/... (pid
 * == tid) is any thread, as on Linux, where a thread id not listed in
 * /proc still opens (gdb reads /proc/LWP/status of a thread it could
 * not attach, to tell a gone one). */
static long proc_text(struct ptp_conn *c, pid_t pid, pid_t tid,
		      int (*show)(struct task_struct *, char *, size_t), struct ptp_msg *r)
{
	struct task_struct *t = find_task_by_pid(tid);

	if (!t || (t->tgid != pid && tid != pid))
		return -ESRCH;
	r->payload = c->io;
	r->len = show(t, (char *)c->io, sizeof(c->io));
	return r->len;
}

static long serve_proc(struct ptp_conn *c, const struct ptp_msg *m, struct ptp_msg *r)
{
	switch (m->args[2]) {
	case PTP_PROC_STATUS:
		return proc_text(c, m->args[0], m->args[1], proc_pid_status_show, r);
	case PTP_PROC_STAT:
		return proc_text(c, m->args[0], m->args[1], proc_pid_stat_show, r);
	case PTP_PROC_COMM:
		return proc_text(c, m->args[0], m->args[1], proc_pid_comm_show, r);
	case PTP_PROC_MAPS:
		return proc_text(c, m->args[0], m->args[1], proc_pid_maps_show, r);
	case PTP_PROC_EXE:
		return proc_exe(c, m->args[0], r);
	case PTP_PROC_TASKS:
		return proc_tasks(c, m->args[0], r);
	default:
		return -EOPNOTSUPP;
	}
}

static void serve(struct ptp_conn *c, const struct ptp_msg *m)
{
	struct ptp_msg r = { .op = m->op | PTP_REPLY, .seq = m->seq };
	int status = 0;

	switch (m->op) {
	case PTP_HELLO:
		r.args[0] = m->args[0] == PTP_VERSION ? 0 : -EPROTONOSUPPORT;
		r.args[1] = current->pid;
		break;
	case PTP_PTRACE:
		r.args[0] = serve_ptrace(c, m, &r);
		break;
	case PTP_WAIT:
		r.args[0] = kernel_wait4(m->args[0], &status, m->args[1] | WNOHANG);
		r.args[1] = status;
		c->announced = false;
		break;
	case PTP_VM_READ:
	case PTP_VM_WRITE:
		r.args[0] = serve_vm(c, m, &r);
		break;
	case PTP_KILL:
		r.args[0] = kernel_kill(m->args[0], m->args[1], m->args[2]);
		break;
	case PTP_PROC:
		r.args[0] = serve_proc(c, m, &r);
		break;
	default:                /* WAITID: next (ptproxy/README.md) */
		r.args[0] = -EOPNOTSUPP;
		break;
	}
	send_msg(c, &r);
}

/* Read what the socket holds: false once the proxy has gone. */
static bool fill(struct ptp_conn *c)
{
	long n;

	while (c->in_len < sizeof(c->in)) {
		n = os_read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n <= 0)
			return false;
		c->in_len += n;
	}
	c->readable = false;
	return !os_irq_add(c->fd, conn_interrupt, c);
}

/* A tracee stop or exit that wait4 would report, not yet announced. Once
 * none is reportable (reaped, or gone with a DETACH or a SIGKILL) the
 * next one is news again. */
static bool stop_to_announce(struct ptp_conn *c)
{
	int status;

	if (kernel_wait4(-1, &status, WNOHANG | WNOWAIT | __WALL) <= 0)
		c->announced = false;
	else if (!c->announced)
		return true;
	return false;
}

/* Kernel thread "ptproxy": one host tool's tracer. */
static int ptproxy_thread(void *arg)
{
	struct ptp_conn *c = arg;
	struct wait_queue_entry we = { 0 };
	wait_queue_head_t *wq = &current->signal->wait_chldexit;

	set_fs(KERNEL_DS);
	c->task = current;
	c->readable = true;
	for (;;) {
		struct ptp_msg m;
		long n;

		if (c->readable && !fill(c))
			break;
		n = ptp_decode(c->in, c->in_len, &m);
		if (n < 0)
			break;          /* not our protocol: drop the proxy */
		if (n > 0) {
			serve(c, &m);
			c->in_len -= n;
			for (size_t i = 0; i < c->in_len; i++)
				c->in[i] = c->in[n + i];
			continue;
		}
		if (stop_to_announce(c)) {
			struct ptp_msg ev = { .op = PTP_EV_STOP };

			c->announced = true;
			send_msg(c, &ev);
			continue;
		}
		/* No stop can happen between the check above and here: the
		 * tracees run only when this thread sleeps, and the socket's
		 * interrupt sets readable. (Checking again after
		 * prepare_to_wait would not do: kernel_wait4's own
		 * finish_wait leaves us TASK_RUNNING, and we would spin.) */
		prepare_to_wait(wq, &we, TASK_INTERRUPTIBLE);
		if (!c->readable) {
			current->wchan = "ptproxy";
			schedule();
		}
		finish_wait(wq, &we);
	}
	/* The tool is gone, crashed or not: its tracees run on (detached,
	 * or killed if it asked for EXITKILL), as when a tracer exits. */
	os_irq_del(c->fd);
	os_close(c->fd);
	ptrace_exit_tracer(current);
	kfree(c);
	return 0;
}

static void listen_interrupt(int fd, void *arg)
{
	int cfd;

	while ((cfd = os_accept(fd)) >= 0) {
		struct ptp_conn *c = kzalloc(sizeof(*c), GFP_KERNEL);
		struct task_struct *t;

		if (!c) {
			os_close(cfd);
			continue;
		}
		c->fd = cfd;
		t = kthread_run(ptproxy_thread, c, "ptproxy");
		if (IS_ERR(t)) {
			os_close(cfd);
			kfree(c);
		}
	}
}

static int ptproxy_init(void)
{
	int fd = os_ptproxy_listen();

	if (fd < 0) {
		pr_warn("ptproxy: no listener: error %d\n", -fd);
		return 0;
	}
	if (os_irq_add(fd, listen_interrupt, NULL))
		os_close(fd);
	return 0;
}
late_initcall(ptproxy_init);
