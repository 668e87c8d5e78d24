/*
 * glass-console: a host program (ordinary C with libc) that speaks UML's
 * mconsole protocol to Glass (docs/reference/mconsole.md). The wire
 * structs and constants come from the kernel's pure header; the few lines
 * of framing are the client's own.
 */
#ifndef GLASS_CONSOLE_CLIENT_H
#define GLASS_CONSOLE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/un.h>

#include <glass/mconsole.h>

/* A connection: our private socket and the kernel's address. */
struct mc_conn {
	int fd;
	char server[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int timeout_ms;         /* the longest wait for one reply packet */
};

/* Called for every reply packet as it arrives: first is true on the
 * first one, which alone carries err. */
typedef void (*mc_packet_fn)(void *ctx, const char *data, size_t len, bool err,
			     bool first, bool more);

enum mc_result {
	MC_OK = 0,              /* the kernel answered, err clear */
	MC_ERROR_REPLY = 1,     /* the kernel answered with err set */
	MC_LOCAL_FAILURE = 2,   /* no (complete) answer: the message says why */
};

/* conn.c */
/* The socket for NAME, as uml_mconsole finds it: a name without '/' is
 * <uml_dir>/<NAME>/mconsole; a path naming a directory means
 * DIR/mconsole; any other path is the socket. 0, or -1 with err set. */
int mc_resolve(const char *name, const char *uml_dir, char *out, size_t size,
	       char *err, size_t errlen);
/* Bind our own socket (0600, in a fresh 0700 directory) and check that
 * something listens at path. 0, or -1 with err set. */
int mc_open(struct mc_conn *c, const char *path, int timeout_ms, char *err,
	    size_t errlen);
void mc_close(struct mc_conn *c);
/* Send one command and stream its reply packets to fn. */
enum mc_result mc_command(struct mc_conn *c, const char *cmd, mc_packet_fn fn,
			  void *ctx, char *err, size_t errlen);

/* reply.c */
/* Run cmd and print its reply: streamed packet by packet to stdout (an
 * error reply to stderr after "ERR "), or as one JSON object per command
 * with json. A local failure is reported on stderr. */
enum mc_result run_command(struct mc_conn *c, const char *cmd, bool json);
void print_json_failure(const char *cmd, const char *err);

/* interactive.c */
/* Read commands from stdin (with a prompt, line editing and history on a
 * terminal) until EOF or quit; returns the exit status. */
int interactive(struct mc_conn *c, const char *name, const char *uml_dir, bool json);

/* json.c */
/* Append s[0..n) as the inside of a JSON string to the stdio stream:
 * quotes, backslashes and control bytes escaped, invalid UTF-8 replaced by
 * U+FFFD, so any reply gives valid JSON. */
void json_put_string(FILE *f, const char *s, size_t n);

#endif
