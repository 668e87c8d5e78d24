/* The command line: options, init's argv and environment, bad values. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <glass/init.h>
#include <glass/mc_device.h>
#include "check_run.h"

extern char fake_out[];
extern size_t fake_out_len;

static struct boot_params bp;
static char err[256];

static int parse(int argc, char **argv)
{
	memset(&bp, 0, sizeof(bp));
	bp.mem = 128ULL << 20;
	bp.loglevel = 7;
	err[0] = '\0';
	return parse_cmdline(argc, argv, &bp, err, sizeof(err));
}

START_TEST(options_and_init_words)
{
	char *argv[] = { "glass", "mem=64M", "umid=t1", "quiet", "FOO=bar", "single",
			 "init=/bin/sh", "--", "-c", "echo hi there", "a=b", NULL };

	ck_assert_int_eq(parse(11, argv), 0);
	ck_assert_uint_eq(bp.mem, 64ULL << 20);
	ck_assert_str_eq(bp.umid, "t1");
	ck_assert_str_eq(bp.init, "/bin/sh");
	ck_assert(bp.quiet);
	ck_assert_int_eq(bp.loglevel, 4);
	/* Unknown name=value to the environment, other words to argv; after
	 * -- everything verbatim, one entry per word. */
	ck_assert_int_eq(bp.init_envc, 1);
	ck_assert_str_eq(bp.init_envp[0], "FOO=bar");
	ck_assert_int_eq(bp.init_argc, 4);
	ck_assert_str_eq(bp.init_argv[0], "single");
	ck_assert_str_eq(bp.init_argv[1], "-c");
	ck_assert_str_eq(bp.init_argv[2], "echo hi there");
	ck_assert_str_eq(bp.init_argv[3], "a=b");
}
END_TEST

/* The root options are the kernel's: none reaches init; ro/rw: last wins. */
START_TEST(root_options_consumed)
{
	char *argv[] = { "glass", "root=/dev/root", "rootfstype=hostfs,ext2",
			 "rootflags=/srv/tree", "rw", "ro", NULL };
	char *rw[] = { "glass", "ro", "rw", NULL };
	char *bad[] = { "glass", "rw=1", NULL };

	ck_assert_int_eq(parse(6, argv), 0);
	ck_assert_str_eq(bp.root, "/dev/root");
	ck_assert_str_eq(bp.rootfstype, "hostfs,ext2");
	ck_assert_str_eq(bp.rootflags, "/srv/tree");
	ck_assert(!bp.root_rw);
	ck_assert_int_eq(bp.init_envc, 0);
	ck_assert_int_eq(bp.init_argc, 0);
	ck_assert_int_eq(parse(3, rw), 0);
	ck_assert(bp.root_rw);
	ck_assert_int_eq(parse(2, bad), -22);
	ck_assert_str_eq(err, "glass: bad value '1' for option rw");
}
END_TEST

START_TEST(mem_suffixes)
{
	char *a[] = { "glass", "mem=1G", NULL };
	char *b[] = { "glass", "mem=262144K", NULL };

	ck_assert_int_eq(parse(2, a), 0);
	ck_assert_uint_eq(bp.mem, 1ULL << 30);
	ck_assert_int_eq(parse(2, b), 0);
	ck_assert_uint_eq(bp.mem, 256ULL << 20);
}
END_TEST

START_TEST(bad_values_name_the_option)
{
	char *a[] = { "glass", "mem=banana", NULL };
	char *b[] = { "glass", "loglevel=12", NULL };
	char *c[] = { "glass", "mem=1M", NULL };
	char *d[] = { "glass", "umid=", NULL };
	char *e[] = { "glass", "hostfs=relative/dir", NULL };

	ck_assert_int_eq(parse(2, a), -22);
	ck_assert_ptr_nonnull(strstr(err, "mem"));
	ck_assert_ptr_nonnull(strstr(err, "banana"));
	ck_assert_int_eq(parse(2, b), -22);
	ck_assert_ptr_nonnull(strstr(err, "loglevel"));
	ck_assert_int_eq(parse(2, c), -22);
	ck_assert_int_eq(parse(2, d), -22);
	ck_assert_int_eq(parse(2, e), -22);
	ck_assert_ptr_nonnull(strstr(err, "hostfs"));
	ck_assert_ptr_nonnull(strstr(err, "relative/dir"));
}
END_TEST

START_TEST(help_lists_every_option)
{
	char *a[] = { "glass", "--help", NULL };
	const char *names[] = { "mem=", "umid=", "uml_dir=", "initrd=", "rdinit=", "init=",
				"loglevel=", "quiet", "hostfs=", "max_tasks=" };

	fake_out_len = 0;
	ck_assert_int_eq(parse(2, a), 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(fake_out, names[i]), "help lacks %s", names[i]);
}
END_TEST

/* A device class as a driver registers one: its words leave init's
 * environment and reach config() once the drivers are up. */
static char configured[64];

static int tst_config(const char *str, struct cmd_out *out)
{
	if (!strcmp(str, "1=bad")) {
		cmd_error(out, "no such file");
		return -2;
	}
	strncat(configured, str, sizeof(configured) - strlen(configured) - 2);
	strcat(configured, ";");
	return 0;
}

static const struct mc_device tst_dev = {
	.name = "tst", .usage = "tstN=X", .help = "a test device", .config = tst_config,
};
MC_DEVICE(tst_dev);

START_TEST(device_words_reach_their_driver)
{
	char *argv[] = { "glass", "tst0=a,b", "tstx=1", "tst=all", "tst2", "FOO=1", NULL };
	const char *rest;

	ck_assert_ptr_eq(mc_device_find("tst3=x", &rest), &tst_dev);
	ck_assert_str_eq(rest, "3=x");
	ck_assert_ptr_null(mc_device_find("tstx=1", &rest));
	ck_assert_ptr_null(mc_device_find("ts0=1", &rest));
	ck_assert_int_eq(parse(6, argv), 0);
	/* tstx=1 is not the device's (a letter follows the name); tst2 has
	 * no value: both go to init as before. */
	ck_assert_int_eq(bp.init_envc, 2);
	ck_assert_str_eq(bp.init_envp[0], "tstx=1");
	ck_assert_int_eq(bp.init_argc, 1);
	ck_assert_str_eq(bp.init_argv[0], "tst2");
	configured[0] = '\0';
	mc_devices_boot();
	ck_assert_str_eq(configured, "0=a,b;=all;");
	fake_out_len = 0;
	ck_assert_int_eq(parse(2, (char *[]){ "glass", "--help", NULL }), 1);
	ck_assert(strstr(fake_out, "tstN=X"));
}
END_TEST

/* A bad device value stops the boot as any bad option: exit status 2. */
START_TEST(bad_device_value_exits_2)
{
	char *argv[] = { "glass", "tst1=bad", NULL };

	ck_assert_int_eq(parse(2, argv), 0);
	mc_devices_boot();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, options_and_init_words);
	tcase_add_test(tc, root_options_consumed);
	tcase_add_test(tc, mem_suffixes);
	tcase_add_test(tc, bad_values_name_the_option);
	tcase_add_test(tc, help_lists_every_option);
	tcase_add_test(tc, device_words_reach_their_driver);
	tcase_add_exit_test(tc, bad_device_value_exits_2, 2);
	suite_add_tcase(s, tc);
	return check_run(s, CK_FORK_GETENV);
}
