/*
 * glass-console [options] UMID|PATH [COMMAND...]
 *
 * With a command: send it, print the reply as it streams in, exit 0 (OK),
 * 1 (an error reply) or 2 (usage, cannot connect, no reply in time).
 * Without one: interactive, with line editing and history.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#define DEFAULT_TIMEOUT 10      /* s; above the kernel's own 5 s queue time-out */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: glass-console [options] UMID|PATH [COMMAND...]\n"
		"\n"
		"Talks to a running Glass (or UML) over its mconsole socket. UMID names\n"
		"<uml_dir>/UMID/mconsole; a PATH with '/' is the socket, or a directory\n"
		"holding it. With a COMMAND, runs it once; without, reads commands\n"
		"interactively (history in ~/.glass_console_history).\n"
		"\n"
		"options:\n"
		"  --json           one JSON object per command: command, ok, output\n"
		"  --uml-dir DIR    where umid directories are (default $UML_DIR, else ~/.uml)\n"
		"  --timeout SECS   longest wait for a reply packet (default %d)\n"
		"  -h, --help       this text\n"
		"\n"
		"exit status: 0 OK, 1 error reply, 2 usage or connection error\n",
		DEFAULT_TIMEOUT);
}

static __attribute__((noreturn)) void usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "glass-console: %s%s\n", msg, arg ? arg : "");
	usage(stderr);
	exit(2);
}

/* $UML_DIR, else ~/.uml, as uml_mconsole's default. */
static const char *default_uml_dir(void)
{
	static char dir[4096];
	const char *env = getenv("UML_DIR"), *home = getenv("HOME");

	if (env && *env)
		return env;
	snprintf(dir, sizeof(dir), "%s/.uml", home && *home ? home : ".");
	return dir;
}

/* The command words joined with spaces, as uml_mconsole sends them. */
static char *join_words(int n, char **words)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	s = calloc(1, len);
	if (!s) {
		perror("glass-console");
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

static int parse_timeout(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600)
		usage_error("bad --timeout (1-3600 seconds): ", s);
	return (int)v;
}

int main(int argc, char **argv)
{
	const char *uml_dir = default_uml_dir();
	char path[256], err[512], *cmd;
	struct mc_conn conn;
	bool json = false;
	int timeout = DEFAULT_TIMEOUT, i = 1, status;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--uml-dir") && i + 1 < argc) {
			uml_dir = argv[++i];
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout = parse_timeout(argv[++i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			usage_error("unknown option ", argv[i]);
		}
	}
	if (i >= argc)
		usage_error("which Glass? give its UMID or socket path", NULL);
	cmd = join_words(argc - i - 1, argv + i + 1);
	if (mc_resolve(argv[i], uml_dir, path, sizeof(path), err, sizeof(err)) ||
	    mc_open(&conn, path, timeout * 1000, err, sizeof(err))) {
		if (json)
			print_json_failure(cmd, err);
		fprintf(stderr, "glass-console: %s\n", err);
		free(cmd);
		return 2;
	}
	if (*cmd)
		status = run_command(&conn, cmd, json);
	else
		status = interactive(&conn, argv[i], uml_dir, json);
	free(cmd);
	mc_close(&conn);
	return status;
}
