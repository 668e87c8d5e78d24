/*
 * Loadable modules as gdb sees them (moddebug/README.md): every loaded
 * module is an entry of the stub's library list, and a load or an unload
 * stops the kernel for a moment with a `library` stop reason, so that gdb
 * re-reads the list, loads or drops the module's symbols, and resumes by
 * itself. No script, no add-symbol-file.
 *
 * The list is read on the monitor thread while the CPU is parked (gdb
 * asks for it only then), through checked reads (os_mem_read): a module
 * is a kernel object like a task, read the way snapshot.c reads tasks.
 * The stops are raised on the CPU thread, from the loader's notifier.
 */
#include <glass/debug.h>
#include <glass/init.h>
#include <glass/module.h>
#include <glass/os.h>

#define MAX_MODULES 1024        /* bounds a walk of a list broken mid-update */
#define MAX_SECTIONS 512        /* a .ko has a few dozen ALLOC sections */

/* The monitor thread's copy of the entry it hands out: the protocol
 * writes it out before asking for the next one. */
static char lib_path[sizeof(((struct module *)0)->image_path)];
static u64 lib_sections[MAX_SECTIONS];

/* The idx-th listed module, oldest first (the order of `info
 * sharedlibrary`, as a process's libraries are in load order), copied into
 * *mod; -ENOENT past the last. A module whose exit runs (GOING) is no
 * longer listed: the stop after its exit makes gdb drop it. */
static __monitor_text int read_module(unsigned idx, struct module *mod)
{
	const struct list_head *pos = &modules;
	struct list_head link;

	/* `modules` is newest first: walk it backwards from the head. */
	for (unsigned steps = 0; steps < MAX_MODULES; steps++) {
		if (os_mem_read((unsigned long)pos, &link, sizeof(link)) != sizeof(link))
			return -EFAULT;
		pos = link.prev;
		if (pos == &modules)
			return -ENOENT;
		if (os_mem_read((unsigned long)container_of(pos, struct module, list), mod,
				sizeof(*mod)) != sizeof(*mod))
			return -EFAULT;
		if (mod->state != MODULE_STATE_GOING && idx-- == 0)
			return 0;
	}
	return -ENOENT;
}

/*
 * Library idx of the modules (0 is the oldest): its image and an address
 * for each section the .ko marks SHF_ALLOC, in .ko order, which gdb's
 * solib-target pairs with bfd's list of them. A section the loader did
 * not load (.modinfo, at 0) is put just past the module's last byte: gdb
 * needs an address for it, and one inside the module would give module
 * addresses .modinfo's names. Empty sections have their placed address.
 */
int __monitor_text gdb_module_library(unsigned idx, struct gdb_library *lib)
{
	struct module_section sec;
	struct module mod;
	u64 end = 0;
	unsigned i;
	int err = read_module(idx, &mod);

	if (err)
		return err;
	if (!mod.nr_sections || mod.nr_sections > MAX_SECTIONS)
		return -E2BIG;
	for (i = 0; i < mod.nr_sections; i++) {
		if (os_mem_read((unsigned long)&mod.sections[i], &sec, sizeof(sec)) != sizeof(sec))
			return -EFAULT;
		lib_sections[i] = sec.addr;
		if (sec.addr && sec.addr + sec.size > end)
			end = sec.addr + sec.size;
	}
	if (!end)
		return -EINVAL;
	for (i = 0; i < mod.nr_sections; i++)
		if (!lib_sections[i])
			lib_sections[i] = end;
	for (i = 0; i + 1 < sizeof(lib_path) && mod.image_path[i]; i++)
		lib_path[i] = mod.image_path[i];
	lib_path[i] = '\0';
	*lib = (struct gdb_library){
		.path = lib_path, .sections = lib_sections, .nr_sections = mod.nr_sections,
	};
	return 0;
}

/*
 * The loader's notifier, in the insmod or rmmod caller's task. COMING is
 * after relocation and before init, so a pending breakpoint in init is
 * resolved and planted before init runs; GOING is after exit, before the
 * memory is freed. gdb's breakpoints in a module it drops are never
 * removed by gdb (it marks them not inserted), so the table forgets them
 * here, while the bytes they saved still belong to the module.
 */
static void module_event(struct module_notifier *nb, enum module_state state,
			 struct module *mod)
{
	if (state == MODULE_STATE_LIVE)
		return;
	if (state == MODULE_STATE_GOING)
		for (unsigned i = 0; i < mod->nr_sections; i++)
			bp_forget(mod->sections[i].addr, mod->sections[i].size);
	cpu_library_stop();
}

static struct module_notifier gdb_module_notifier = { .fn = module_event };

static int gdb_modules_init(void)
{
	register_module_notifier(&gdb_module_notifier);
	return 0;
}
core_initcall(gdb_modules_init);
