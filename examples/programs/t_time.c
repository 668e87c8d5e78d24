/* Time: clocks, nanosleep, gettimeofday, alarm, setitimer, poll/select timeouts. */
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static double now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	alarms++;
}

int main(void)
{
	double t0 = now(CLOCK_MONOTONIC);
	struct timespec ts = { 0, 50 * 1000000L };
	int r = nanosleep(&ts, NULL);
	double dt = now(CLOCK_MONOTONIC) - t0;
	CHECK("nanosleep_50ms", r == 0 && dt >= 0.050 && dt < 2.0, "slept %.3f s", dt);

	double a = now(CLOCK_MONOTONIC), b = now(CLOCK_MONOTONIC);
	CHECK("monotonic_nondecreasing", b >= a, "%.9f then %.9f", a, b);
	CHECK("boottime_ge_monotonic", now(CLOCK_BOOTTIME) + 0.001 >= now(CLOCK_MONOTONIC), "boottime behind");

	struct timeval tv;
	gettimeofday(&tv, NULL);
	double rt = now(CLOCK_REALTIME), g = tv.tv_sec + tv.tv_usec / 1e6;
	CHECK("gettimeofday_matches_realtime", rt - g >= -0.01 && rt - g < 1.0 && g > 1.6e9,
	      "gettimeofday %.3f realtime %.3f", g, rt);
	time_t tt = time(NULL);
	CHECK("time", tt > 1600000000 && (double)tt <= rt + 1, "time %ld", (long)tt);

	double c0 = now(CLOCK_PROCESS_CPUTIME_ID), th0 = now(CLOCK_THREAD_CPUTIME_ID);
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 50000000UL; i++)
		x += i;
	double c1 = now(CLOCK_PROCESS_CPUTIME_ID), th1 = now(CLOCK_THREAD_CPUTIME_ID);
	CHECK("cputime_advances", c1 > c0 && th1 > th0, "process %.6f->%.6f thread %.6f->%.6f",
	      c0, c1, th0, th1);

	signal(SIGALRM, on_alarm);
	alarms = 0;
	t0 = now(CLOCK_MONOTONIC);
	alarm(1);
	while (!alarms && now(CLOCK_MONOTONIC) - t0 < 5)
		pause();
	dt = now(CLOCK_MONOTONIC) - t0;
	CHECK("alarm_sigalrm", alarms == 1 && dt >= 0.9 && dt < 3, "alarms %d after %.3f s", alarms, dt);

	struct itimerval it = { { 0, 100000 }, { 0, 100000 } }, off = { { 0, 0 }, { 0, 0 } };
	alarms = 0;
	t0 = now(CLOCK_MONOTONIC);
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 3 && now(CLOCK_MONOTONIC) - t0 < 5)
		pause();
	setitimer(ITIMER_REAL, &off, NULL);
	dt = now(CLOCK_MONOTONIC) - t0;
	CHECK("setitimer_periodic", alarms >= 3 && dt >= 0.29 && dt < 3, "%d signals in %.3f s", alarms, dt);
	struct itimerval cur;
	getitimer(ITIMER_REAL, &cur);
	CHECK("getitimer_off", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "timer still armed");
	signal(SIGALRM, SIG_DFL);

	/* CPU-time timers: 20 ms of this process's CPU time, 3 times,
	 * computing (a profiler's SIGPROF); none while it sleeps. */
	static const struct { int which, sig; const char *name; } cpu_timers[] = {
		{ ITIMER_VIRTUAL, SIGVTALRM, "itimer_virtual" },
		{ ITIMER_PROF, SIGPROF, "itimer_prof" },
	};
	for (unsigned k = 0; k < 2; k++) {
		struct itimerval cpu = { { 0, 20000 }, { 0, 20000 } }, left;
		char name[64];

		signal(cpu_timers[k].sig, on_alarm);
		alarms = 0;
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		r = setitimer(cpu_timers[k].which, &cpu, NULL);
		getitimer(cpu_timers[k].which, &left);
		snprintf(name, sizeof(name), "%s_armed", cpu_timers[k].name);
		/* Linux rounds the value up to its tick (24 ms with HZ 250). */
		CHECK(name, r == 0 && left.it_interval.tv_usec == 20000 && !left.it_value.tv_sec &&
		      left.it_value.tv_usec > 0 && left.it_value.tv_usec <= 30000,
		      "setitimer %d, value %ld.%06ld interval %ld.%06ld", r,
		      (long)left.it_value.tv_sec, (long)left.it_value.tv_usec,
		      (long)left.it_interval.tv_sec, (long)left.it_interval.tv_usec);
		t0 = now(CLOCK_MONOTONIC);
		while (alarms < 3 && now(CLOCK_MONOTONIC) - t0 < 10)
			for (unsigned long i = 0; i < 100000UL; i++)
				x += i;
		c1 = now(CLOCK_PROCESS_CPUTIME_ID);
		snprintf(name, sizeof(name), "%s_fires", cpu_timers[k].name);
		/* 60 ms of CPU, less a tick or so: Linux charges the timers
		 * per tick, the CPU-time clock exactly (0.0586 s seen). */
		CHECK(name, alarms >= 3 && c1 - c0 >= 0.045, "%d signals in %.4f s of CPU",
		      alarms, c1 - c0);
		alarms = 0;
		ts.tv_nsec = 100 * 1000000L;
		nanosleep(&ts, NULL);
		if (cpu_timers[k].which == ITIMER_VIRTUAL) {
			snprintf(name, sizeof(name), "%s_not_asleep", cpu_timers[k].name);
			CHECK(name, alarms == 0, "%d signals in 100 ms asleep", alarms);
		}
		r = setitimer(cpu_timers[k].which, &off, NULL);
		getitimer(cpu_timers[k].which, &left);
		snprintf(name, sizeof(name), "%s_off", cpu_timers[k].name);
		CHECK(name, r == 0 && !left.it_value.tv_sec && !left.it_value.tv_usec,
		      "timer still armed");
		signal(cpu_timers[k].sig, SIG_DFL);
	}

	int p[2];
	if (pipe(p) == 0) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		t0 = now(CLOCK_MONOTONIC);
		r = poll(&pfd, 1, 100);
		dt = now(CLOCK_MONOTONIC) - t0;
		CHECK("poll_timeout", r == 0 && dt >= 0.099 && dt < 2, "poll %d after %.3f s", r, dt);
		(void)!write(p[1], "x", 1);
		r = poll(&pfd, 1, 1000);
		CHECK("poll_ready", r == 1 && (pfd.revents & POLLIN), "poll %d revents %#x", r, pfd.revents);
		char c;
		(void)!read(p[0], &c, 1);

		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(p[0], &rs);
		struct timeval to = { 0, 50000 };
		t0 = now(CLOCK_MONOTONIC);
		r = select(p[0] + 1, &rs, NULL, NULL, &to);
		dt = now(CLOCK_MONOTONIC) - t0;
		CHECK("select_timeout", r == 0 && dt >= 0.049 && dt < 2 && !FD_ISSET(p[0], &rs),
		      "select %d after %.3f s", r, dt);

		struct timespec pto = { 0, 30000000 };
		t0 = now(CLOCK_MONOTONIC);
		r = ppoll(&pfd, 1, &pto, NULL);
		dt = now(CLOCK_MONOTONIC) - t0;
		CHECK("ppoll_timeout", r == 0 && dt >= 0.029 && dt < 2, "ppoll %d after %.3f s", r, dt);

		FD_ZERO(&rs);
		FD_SET(p[0], &rs);
		t0 = now(CLOCK_MONOTONIC);
		r = pselect(p[0] + 1, &rs, NULL, NULL, &pto, NULL);
		dt = now(CLOCK_MONOTONIC) - t0;
		CHECK("pselect_timeout", r == 0 && dt >= 0.029 && dt < 2, "pselect %d after %.3f s", r, dt);
		close(p[0]);
		close(p[1]);
	}
	return check_done();
}
