/*
 * pgburn: a program built with -pg (gprof's instrumentation), whose time
 * goes 4:1 to burn_a and burn_b. tests/integration/guest_gprof.sh runs it
 * in Glass and reads its gmon.out with the host's gprof: glibc's profil
 * samples the pc on ITIMER_PROF's SIGPROF.
 */
#include <stdio.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void burn_a(void)
{
	for (unsigned long i = 0; i < 400000000UL; i++)
		sink += i;
}

__attribute__((noinline)) static void burn_b(void)
{
	for (unsigned long i = 0; i < 100000000UL; i++)
		sink += i;
}

int main(void)
{
	burn_a();
	burn_b();
	printf("pgburn done\n");
	return 0;
}
