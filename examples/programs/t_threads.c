/* Threads: create/join, mutex, condition variable, TLS, tids, exec from a
 * thread (-pthread). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define NTHREADS 4
#define INCS 200000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value;
static pid_t tids[NTHREADS];

static void *incrementer(void *arg)
{
	long id = (long)arg;

	tls_value = id * 1000;
	tids[id] = syscall(SYS_gettid);
	for (int i = 0; i < INCS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 50000 == 0)
			sched_yield();
	}
	return (void *)(tls_value + id);
}

/* Producer/consumer over a one-slot buffer. */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int slot, full, done_producing;
#define ITEMS 2000

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&m);
		while (full)
			pthread_cond_wait(&cv, &m);
		slot = i;
		full = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m);
	done_producing = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	return NULL;
}

static void *sleeper(void *arg)
{
	usleep(100000);
	return (void *)(intptr_t)getpid();
}

/* exec from a thread that is not the leader: the other threads die and the
 * new image keeps the process's pid and parent. */
static const char *self;
static char pidarg[16], ppidarg[16];

static void *execer(void *arg)
{
	char *argv[] = { (char *)self, "--exec-child", pidarg, ppidarg, NULL };

	execv(self, argv);
	return NULL;
}

static void *pauser(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void t_exec_from_thread(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t a, b;
		snprintf(pidarg, sizeof(pidarg), "%d", (int)getpid());
		snprintf(ppidarg, sizeof(ppidarg), "%d", (int)getppid());
		pthread_create(&a, NULL, pauser, NULL);
		pthread_create(&b, NULL, execer, NULL);
		pauser(NULL);
	}
	waitpid(pid, &st, 0);
	CHECK("exec_from_thread", WIFEXITED(st) && WEXITSTATUS(st) == 42, "status %#x", st);
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	void *ret;
	int ok = 1;

	if (argc == 4 && !strcmp(argv[1], "--exec-child"))
		return atoi(argv[2]) == getpid() && syscall(SYS_gettid) == getpid() &&
		       atoi(argv[3]) == getppid() ? 42 : 1;
	self = argv[0];

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, incrementer, (void *)i))
			ok = 0;
	CHECK("pthread_create", ok, "pthread_create failed");
	for (long i = 0; i < NTHREADS; i++) {
		if (pthread_join(t[i], &ret) || (long)ret != i * 1000 + i)
			ok = 0;
	}
	CHECK("pthread_join_retval_and_tls", ok, "wrong return value or TLS");
	CHECK("mutex_counter", counter == (long)NTHREADS * INCS, "counter %ld, want %ld", counter,
	      (long)NTHREADS * INCS);
	int distinct = 1;
	for (int i = 0; i < NTHREADS; i++) {
		distinct &= tids[i] != getpid() && tids[i] > 0;
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	CHECK("distinct_tids", distinct, "thread ids not distinct");
	CHECK("main_tls_untouched", tls_value == 0, "main's TLS is %ld", tls_value);

	pthread_t p;
	long sum = 0, n = 0, last = 0;
	int order_ok = 1;
	pthread_create(&p, NULL, producer, NULL);
	pthread_mutex_lock(&m);
	for (;;) {
		while (!full && !done_producing)
			pthread_cond_wait(&cv, &m);
		if (full) {
			order_ok &= slot == last + 1;
			last = slot;
			sum += slot;
			n++;
			full = 0;
			pthread_cond_broadcast(&cv);
		} else if (done_producing) {
			break;
		}
	}
	pthread_mutex_unlock(&m);
	pthread_join(p, NULL);
	CHECK("condvar_producer_consumer", n == ITEMS && sum == (long)ITEMS * (ITEMS + 1) / 2 && order_ok,
	      "got %ld items sum %ld", n, sum);

	pthread_t s;
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_join(s, &ret);
	CHECK("thread_getpid_is_tgid", (pid_t)(intptr_t)ret == getpid(), "thread getpid %ld",
	      (long)(intptr_t)ret);
	t_exec_from_thread();
	return check_done();
}
