/* What tests/unit/sig_fakes.c records and lets a test control. */
#ifndef TESTS_SIG_FAKES_H
#define TESTS_SIG_FAKES_H

#define FAKE_XSTATE_SIZE 832

/* User accesses to [lo, hi) fail, as a bad pointer in the guest. */
extern unsigned long fake_fault_lo, fake_fault_hi;
/* The FP registers "in the host process" for current (save_fpstate). */
extern unsigned char fake_live_fp[FAKE_XSTATE_SIZE];
void fake_reset_current(void);

extern int fake_force_sig_count, fake_last_force_sig;

struct fake_kill {
	int pgrp, sig, priv;
};
extern int fake_kill_count;
extern struct fake_kill fake_kills[64];
extern int fake_wake_count;

#endif
