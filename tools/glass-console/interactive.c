/*
 * Interactive mode. On a terminal: readline with the prompt "(NAME) ",
 * line editing, and history kept in ~/.glass_console_history (appended
 * after every line, so a crash loses nothing). From a pipe: one command a
 * line, no prompt. Local commands: quit (or exit, or EOF), and switch
 * UMID|PATH to talk to another Glass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "client.h"

#define HISTORY_FILE ".glass_console_history"
#define HISTORY_MAX 1000

static char history_path[4096];

static void history_open(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return;
	snprintf(history_path, sizeof(history_path), "%s/%s", home, HISTORY_FILE);
	stifle_history(HISTORY_MAX);
	read_history(history_path);
}

static void history_add(const char *line)
{
	HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1)
					  : NULL;

	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
	if (!history_path[0])
		return;
	/* append_history needs the file to exist. */
	if (access(history_path, F_OK))
		write_history(history_path);
	else
		append_history(1, history_path);
	history_truncate_file(history_path, HISTORY_MAX);
}

/* A line from the terminal or the pipe; NULL at EOF. Caller frees it. */
static char *read_line(bool tty, const char *prompt)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	if (tty)
		return readline(prompt);
	n = getline(&line, &size, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* switch UMID|PATH: a new connection, or the old one kept. */
static void do_switch(struct mc_conn *c, const char *name, const char *uml_dir,
		      char *prompt, size_t size)
{
	struct mc_conn next;
	char path[256], err[512];

	if (mc_resolve(name, uml_dir, path, sizeof(path), err, sizeof(err))) {
		fprintf(stderr, "glass-console: %s\n", err);
		return;
	}
	mc_close(c);
	if (mc_open(&next, path, c->timeout_ms, err, sizeof(err))) {
		fprintf(stderr, "glass-console: %s; still on %s\n", err, c->server);
		/* Re-open the old one: its local socket went with mc_close. */
		if (mc_open(&next, c->server, c->timeout_ms, err, sizeof(err)))
			fprintf(stderr, "glass-console: %s\n", err);
		*c = next;
		return;
	}
	*c = next;
	snprintf(prompt, size, "(%s) ", name);
}

int interactive(struct mc_conn *c, const char *name, const char *uml_dir, bool json)
{
	bool tty = isatty(0);
	char prompt[300], *line;

	snprintf(prompt, sizeof(prompt), "(%s) ", name);
	if (tty)
		history_open();
	while ((line = read_line(tty, prompt))) {
		char *cmd = trim(line);

		if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
			free(line);
			break;
		}
		if (*cmd && tty)
			history_add(cmd);
		if (!strncmp(cmd, "switch ", 7))
			do_switch(c, trim(cmd + 7), uml_dir, prompt, sizeof(prompt));
		else if (*cmd)
			run_command(c, cmd, json);
		free(line);
	}
	if (tty && !line)
		putchar('\n');
	return 0;
}
