/*
 * The mconsole service. The monitor thread (kernel/os/monitor.c) receives
 * every request and calls mconsole_monitor_request(): bad requests get
 * UML's error answers, CMD_ANYWHERE commands run right there, and the
 * others go into a queue for the CPU thread, whose event loop runs them at
 * a safe point (mconsole_interrupt) and sends their replies; CMD_TASK
 * commands (they may sleep: insmod runs a module's init) go on from there
 * to a kernel thread of their own, made at the first one. A queued
 * request the CPU thread does not take within the time-out is answered by
 * the monitor with an error that says why: no client is left waiting.
 */
#include <glass/debug.h>
#include <glass/mconsole.h>
#include <glass/os.h>
#include <glass/os_upcalls.h>
#include <glass/sched.h>
#include <glass/timer.h>
#include <glass/wait.h>
#include "internal.h"

struct mconsole_stats mconsole_stats;
static struct mc_queue queue;
static u64 timeout_ns = MCONSOLE_TIMEOUT_DEFAULT * NSEC_PER_SEC;

/* The monitor thread's and the CPU thread's own (no allocation). */
static struct cmd_out monitor_out, cpu_out;
static struct mc_reply_ctx monitor_reply, cpu_reply;

static __monitor_text void stat_inc(u64 *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* A reply packet dropped because its client's queue stayed full
 * (os_mconsole_send): the log says so at the 1st, 10th, 100th... drop,
 * so clients that never read cannot flood it. Either thread. */
static __monitor_text void note_dropped(void)
{
	static const char msg[] = "mconsole: clients not reading their replies: packets dropped: ";
	static u64 dropped;
	u64 n = __atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED), p = 1;
	char line[sizeof(msg) + 24];
	size_t i = sizeof(line);

	while (p <= n / 10)
		p *= 10;
	if (n != p)
		return;
	line[--i] = '\n';
	do {
		line[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (size_t j = sizeof(msg) - 1; j--; )
		line[--i] = msg[j];
	os_monitor_log(line + i, sizeof(line) - i);
}

/* cmd_out's sink: frame a chunk as a reply packet and send it. */
static __monitor_text int emit_packet(void *ctx, const char *data, size_t len, bool err,
				      bool more)
{
	struct mc_reply_ctx *rc = ctx;
	size_t size = mconsole_frame_reply(&rc->pkt, data, len, err, more);
	int r;

	if (!rc->to->len)
		return -ENOTCONN;
	r = os_mconsole_send(rc->to, &rc->pkt, size);
	if (r < 0)
		stat_inc(&mconsole_stats.send_errors);
	if (r == -EAGAIN)
		note_dropped();
	return r < 0 ? r : 0;
}

static __monitor_text void begin_reply(struct cmd_out *out, struct mc_reply_ctx *rc,
				       const struct mc_client *to)
{
	rc->to = to;
	cmd_out_init(out, emit_packet, rc);
}

int __monitor_text mconsole_stream_begin(struct cmd_out *from, struct mc_stream *s)
{
	const struct mc_reply_ctx *rc = from->ctx;

	if (from->emit != emit_packet || !rc->to->len)
		return -EOPNOTSUPP;
	s->client = *rc->to;
	begin_reply(&s->out, &s->rc, &s->client);
	cmd_write(&s->out, from->buf, from->len);
	s->out.err = from->err;
	from->len = 0;
	from->finished = true;
	return 0;
}

static __monitor_text void reply_error(const struct mc_client *to, const char *msg)
{
	begin_reply(&monitor_out, &monitor_reply, to);
	cmd_error(&monitor_out, msg);
	cmd_finish(&monitor_out);
}

static __monitor_text void run_command(const struct command *cmd, const char *data,
				       struct cmd_out *out, struct mc_reply_ctx *rc,
				       const struct mc_client *to)
{
	begin_reply(out, rc, to);
	cmd->handler(out, mconsole_cmd_args(data));
	cmd_finish(out);
}

/* Queue cmd with the request data for the CPU thread: NULL, or why it
 * cannot be, for the client. */
static __monitor_text const char *queue_for_cpu(const struct command *cmd, const char *data,
						const struct mc_client *client, u64 now_ns)
{
	if (cpu_parked() && !cpu_stop.safe_point)
		return "The kernel is stopped at an arbitrary instruction (by gdb): "
		       "this command needs it at a safe point; continue it in gdb first, "
		       "or use a command that runs anywhere (ps, bt, stack, dmesg)";
	if (!mc_queue_push(&queue, cmd, data, client, now_ns + timeout_ns)) {
		stat_inc(&mconsole_stats.queue_full);
		return "Kernel busy: the queue to its CPU thread is full "
		       "(it is slow or wedged); try again, or use a command that runs anywhere";
	}
	stat_inc(&mconsole_stats.queued);
	os_monitor_kick();
	return NULL;
}

/* The time of the request being answered, for mconsole_defer's queue. */
static u64 request_ns;

int __monitor_text mconsole_defer(struct cmd_out *out, const struct command *cmd,
				  const char *args)
{
	const struct mc_reply_ctx *rc = out->ctx;
	char data[MCONSOLE_MAX_DATA];
	const char *why;
	size_t n = 0;

	if (out->emit != emit_packet) {         /* gdb's monitor */
		if (cpu_run_command(cmd, args, out))
			return 0;
		cmd_error(out, "this needs the kernel at a safe point, and it is stopped at an "
			  "arbitrary instruction: continue first");
		return -EAGAIN;
	}
	for (const char *s = cmd->name; *s && n < sizeof(data) - 2; )
		data[n++] = *s++;
	data[n++] = ' ';
	while (*args && n < sizeof(data) - 1)
		data[n++] = *args++;
	data[n] = '\0';
	why = queue_for_cpu(cmd, data, rc->to, request_ns);
	if (why) {
		cmd_error(out, why);
		return -EBUSY;
	}
	out->finished = true;           /* the CPU thread answers */
	return 0;
}

void __monitor_text mconsole_monitor_request(const void *buf, size_t n,
					     const struct mc_client *client, u64 now_ns)
{
	static struct mconsole_request req;
	enum mconsole_req_status st = mconsole_parse_request(buf, n, &req);
	const struct command *cmd;
	const char *why;

	request_ns = now_ns;
	stat_inc(&mconsole_stats.requests);
	if (!client->len)
		stat_inc(&mconsole_stats.no_address);
	switch (st) {
	case MC_REQ_OK:
		break;
	case MC_REQ_BAD_MAGIC:
		stat_inc(&mconsole_stats.bad_magic);
		/* UML answers an old text client in text. */
		if (client->len && os_mconsole_send(client, MC_V0_REPLY,
						    sizeof(MC_V0_REPLY) - 1) < 0)
			stat_inc(&mconsole_stats.send_errors);
		return;
	case MC_REQ_TOO_LARGE:
		stat_inc(&mconsole_stats.too_large);
		reply_error(client, mconsole_req_error(st));
		return;
	case MC_REQ_BAD_VERSION:
		stat_inc(&mconsole_stats.bad_version);
		reply_error(client, mconsole_req_error(st));
		return;
	case MC_REQ_TRUNCATED:
		stat_inc(&mconsole_stats.truncated);
		reply_error(client, mconsole_req_error(st));
		return;
	}
	cmd = command_find(req.data);
	if (!cmd) {
		stat_inc(&mconsole_stats.unknown);
		reply_error(client, "Unknown command");
		return;
	}
	if (cmd->context == CMD_ANYWHERE) {
		stat_inc(&mconsole_stats.anywhere);
		run_command(cmd, req.data, &monitor_out, &monitor_reply, client);
		return;
	}
	why = queue_for_cpu(cmd, req.data, client, now_ns);
	if (why)
		reply_error(client, why);
}

bool __monitor_text mconsole_queue_task(const struct command *cmd, const char *line)
{
	static const struct mc_client nobody;   /* replies: -ENOTCONN, dropped */

	/* No deadline: gdb holds the kernel until the user continues. */
	if (!mc_queue_push(&queue, cmd, line, &nobody, ~0ULL))
		return false;
	stat_inc(&mconsole_stats.queued);
	os_monitor_kick();
	return true;
}

u64 __monitor_text mconsole_monitor_expire(u64 now_ns)
{
	struct mc_slot *s;

	while ((s = mc_queue_expire(&queue, now_ns))) {
		stat_inc(&mconsole_stats.timed_out);
		begin_reply(&monitor_out, &monitor_reply, &s->client);
		cmd_error(&monitor_out, "Timed out: the kernel did not take '");
		cmd_puts(&monitor_out, s->cmd->name);
		cmd_puts(&monitor_out, "' within ");
		cmd_putu(&monitor_out, timeout_ns / NSEC_PER_SEC, 0);
		cmd_puts(&monitor_out, " s (its CPU thread is busy or wedged); "
			 "commands that run anywhere, such as ps, still answer");
		cmd_finish(&monitor_out);
		mc_queue_release(s);
	}
	return mc_queue_next_deadline(&queue);
}

/* Taken CMD_TASK slots, oldest first, for mconsole_task; a slot is in
 * here at most once, so the ring never overflows. */
static struct mc_slot *task_slots[MC_QUEUE_SLOTS];
static unsigned int task_head, task_tail;
static DECLARE_WAIT_QUEUE_HEAD(task_wait);
static struct task_struct *task_worker;

/* Kernel thread "mconsole": runs CMD_TASK commands, which may sleep. */
static int mconsole_task(void *arg)
{
	static struct cmd_out out;
	static struct mc_reply_ctx reply;

	for (;;) {
		struct mc_slot *s;

		wait_event(task_wait, task_head != task_tail);
		s = task_slots[task_tail++ % MC_QUEUE_SLOTS];
		run_command(s->cmd, s->data, &out, &reply, &s->client);
		mc_queue_release(s);
	}
	return 0;
}

/* CPU thread: run a taken slot here, or hand a CMD_TASK one to the worker. */
static void dispatch(struct mc_slot *s, struct cmd_out *out, struct mc_reply_ctx *rc)
{
	if (s->cmd->context == CMD_TASK) {
		if (!task_worker) {
			struct task_struct *t = kthread_run(mconsole_task, NULL, "mconsole");

			task_worker = IS_ERR(t) ? NULL : t;
		}
		if (task_worker) {
			task_slots[task_head++ % MC_QUEUE_SLOTS] = s;
			wake_up(&task_wait);
			return;
		}
		begin_reply(out, rc, &s->client);
		cmd_error(out, "Cannot start the mconsole kernel thread this command runs in");
		cmd_finish(out);
	} else {
		run_command(s->cmd, s->data, out, rc, &s->client);
	}
	mc_queue_release(s);
}

/* CPU thread, from the event loop: run what the monitor queued. */
static void mconsole_interrupt(int fd, void *arg)
{
	static bool running;
	struct mc_slot *s;

	os_monitor_ack(fd);
	if (running)            /* a command ran the event loop: later */
		return;
	running = true;
	while ((s = mc_queue_take(&queue)))
		dispatch(s, &cpu_out, &cpu_reply);
	running = false;
}

/* CPU thread, parked at a safe point (mconsole stop): the same, from the
 * park, with buffers of its own (the stop command's are still in use). */
void mconsole_serve(void)
{
	static struct cmd_out park_out;
	static struct mc_reply_ctx park_reply;
	struct mc_slot *s;

	while ((s = mc_queue_take(&queue)))
		dispatch(s, &park_out, &park_reply);
}

int __monitor_text mconsole_notify(enum mconsole_notify_type type, const char *msg)
{
	/* On the caller's stack: the CPU thread (panic) and the monitor
	 * (hang) may notify at the same time. */
	struct mconsole_notify pkt;
	size_t size = mconsole_frame_notify(&pkt, type, msg);

	return os_mconsole_notify(&pkt, size);
}

/* Tell the mconsole=notify: socket where the mconsole is, as UML does. */
static void notify_ready(const char *notify_socket, const char *path)
{
	int err = os_mconsole_notify_open(notify_socket);

	if (!err)
		err = mconsole_notify(MCONSOLE_SOCKET, path);
	if (err)
		pr_warn("mconsole: cannot notify %s: error %d\n", notify_socket, -err);
}

int mconsole_init(unsigned int timeout_secs, const char *notify_socket)
{
	static char path[128];
	int fd, err;

	if (timeout_secs)
		timeout_ns = timeout_secs * NSEC_PER_SEC;
	fd = os_monitor_start(path, sizeof(path));
	if (fd < 0) {
		pr_warn("mconsole: cannot start the monitor thread: error %d\n", -fd);
		return fd;
	}
	err = os_irq_add(fd, mconsole_interrupt, NULL);
	if (err) {
		pr_warn("mconsole: cannot watch the monitor's queue: error %d\n", -err);
		return err;
	}
	printk(KERN_INFO "mconsole (version 2) initialized on %s\n", path);
	if (notify_socket)
		notify_ready(notify_socket, path);
	return 0;
}
