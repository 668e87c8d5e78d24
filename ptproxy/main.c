/*
 * glass-ptproxy: run a host tracer (strace, gdb) on guest processes of a
 * running Glass, by their guest pids: `glass-ptproxy UMID strace -p 42`.
 * See README.md.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proxy.h"

static pid_t tool;

/* SIGTERM, SIGHUP: the tool's to act on; we go when it has gone, and
 * clean up then. */
static void pass_to_tool(int sig)
{
	kill(tool, sig);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: glass-ptproxy [--uml-dir DIR] [--stats] [--log FILE] UMID|PATH TOOL [ARGS...]\n"
		"  runs TOOL (strace, gdb) so that the pids given to it with -p are guest pids\n");
}

/* The pids the tool is told to attach to: -p N, -pN, --pid=N, --attach=N. */
static void note_pids(char **argv)
{
	for (int i = 0; argv[i]; i++) {
		const char *v = NULL;

		if ((!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pid") ||
		     !strcmp(argv[i], "--attach")) && argv[i + 1])
			v = argv[i + 1];
		else if (!strncmp(argv[i], "-p", 2) && argv[i][2] != '-')
			v = argv[i] + 2;
		else if (!strncmp(argv[i], "--pid=", 6) || !strncmp(argv[i], "--attach=", 9))
			v = strchr(argv[i], '=') + 1;
		for (; v && *v; ) {
			char *end;
			long pid = strtol(v, &end, 10);

			if (end == v)
				break;
			guest_pid_add(pid);
			v = *end == ',' ? end + 1 : end;
		}
	}
}

int main(int argc, char **argv)
{
	const char *uml_dir = getenv("UML_DIR"), *home = getenv("HOME");
	char dir[4096];
	bool stats = false;
	int i = 1, nfd, status, err;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--uml-dir") && i + 1 < argc)
			uml_dir = argv[++i];
		else if (!strcmp(argv[i], "--stats"))
			stats = true;
		else if (!strcmp(argv[i], "--log") && i + 1 < argc && !kconn_log) {
			if (!(kconn_log = fopen(argv[++i], "we"))) {
				perror(argv[i]);
				return 2;
			}
		}
		else {
			usage(strcmp(argv[i], "--help") ? stderr : stdout);
			return strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	if (argc - i < 2) {
		usage(stderr);
		return 2;
	}
	if (!uml_dir || !*uml_dir) {
		snprintf(dir, sizeof(dir), "%s/.uml", home && *home ? home : ".");
		uml_dir = dir;
	}
	err = kconn_open(argv[i], uml_dir);
	if (err) {
		fprintf(stderr, "glass-ptproxy: %s: %s\n", argv[i], strerror(-err));
		return 2;
	}
	note_pids(argv + i + 1);
	tool = tool_spawn(argv + i + 1, &nfd);
	if (tool < 0 || nfd < 0) {
		perror("glass-ptproxy: cannot start the tool");
		return 2;
	}
	/* ^C is the tool's (strace detaches): we go when it does. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, pass_to_tool);
	signal(SIGHUP, pass_to_tool);
	for (;;) {
		struct pollfd p[2] = { { nfd, POLLIN, 0 }, { kconn_fd(), POLLIN, 0 } };
		struct seccomp_notif req;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents && kconn_poll()) {
			fprintf(stderr, "glass-ptproxy: Glass closed the connection\n");
			break;
		}
		if (p[0].revents & POLLIN) {
			memset(&req, 0, sizeof(req));
			if (!ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) && !serve_notification(nfd, &req)) {
				struct seccomp_notif_resp resp = {
					.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };

				ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
			}
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			break;          /* the tool and its children are gone */
		}
		if (kconn_take_stop()) {
			/* Waits first: SIGCHLD would interrupt them. A stop
			 * that comes while they are retried is news for the
			 * waits already passed over. */
			do
				serve_retry_waits(nfd);
			while (kconn_take_stop());
			kill(tool, SIGCHLD);    /* gdb waits for nothing else */
			if (kconn_log)
				fprintf(kconn_log, "waits retried, SIGCHLD sent\n");
		}
	}
	if (waitpid(tool, &status, 0) < 0)
		status = 0;
	serve_cleanup();
	if (stats)
		fprintf(stderr, "glass-ptproxy: %lu calls forwarded\n", kconn_calls);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
