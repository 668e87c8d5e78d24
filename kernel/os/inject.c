/*
 * Test hooks for mconsole's `inject` (kernel/debug/inject.c, with
 * inject=1 only): host calls that misbehave on purpose, so the detectors
 * and the oops report can be tested on host code.
 */
#include <string.h>
#include <unistd.h>

#include <glass/os.h>

/* inject hang-host: block in read() on a pipe nobody will write. */
void os_inject_hang(void)
{
	int p[2];
	char c;

	if (pipe(p) == 0)
		while (read(p[0], &c, 1) <= 0)
			;
	for (;;)
		pause();
}

/* inject libc-fault: libc's strlen, so a bad pointer faults inside a
 * host library. */
unsigned long os_inject_strlen(const char *s)
{
	return strlen(s);
}
