/*
 * A guest program's function symbols, read at exec from its ELF symbol
 * table when it has one, so that sysrq t can name the function a guest
 * task is in (and the tracer's fault lines). The table hangs off the mm;
 * the monitor thread searches it with checked reads (user_sym_lookup).
 * Stripped programs cost nothing; a huge table is skipped rather than
 * allowed to eat memory.
 */
#include <glass/elf.h>
#include <glass/debug.h>
#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/monitor.h>
#include <glass/usersyms.h>

#define MAX_SYMS 65536
#define MAX_NAMES (2UL << 20)

static bool read_at(struct file *f, void *buf, size_t n, u64 off)
{
	loff_t pos = off;

	return kernel_read(f, buf, n, &pos) == (ssize_t)n;
}

/* Shell sort by address: small, no recursion, no allocation. */
static void sort_syms(struct user_sym *s, unsigned long n)
{
	for (unsigned long gap = n / 2; gap; gap /= 2)
		for (unsigned long i = gap; i < n; i++)
			for (unsigned long j = i; j >= gap && s[j - gap].addr > s[j].addr; j -= gap) {
				struct user_sym t = s[j];

				s[j] = s[j - gap];
				s[j - gap] = t;
			}
}

static struct user_syms *load(struct file *f, const struct elf64_hdr *eh, unsigned long bias)
{
	struct elf64_shdr sh = { .sh_type = 0 }, str;
	struct elf64_sym *raw = NULL;
	struct user_syms *us = NULL;
	unsigned long nraw, n = 0;
	char *strtab = NULL;

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (!read_at(f, &sh, sizeof(sh), eh->e_shoff + (u64)i * sizeof(sh)))
			return NULL;
		if (sh.sh_type == SHT_SYMTAB)
			break;
		sh.sh_type = 0;
	}
	if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(*raw) ||
	    sh.sh_link >= eh->e_shnum ||
	    !read_at(f, &str, sizeof(str), eh->e_shoff + (u64)sh.sh_link * sizeof(str)))
		return NULL;
	nraw = sh.sh_size / sizeof(*raw);
	if (!nraw || nraw > MAX_SYMS || !str.sh_size || str.sh_size > MAX_NAMES)
		return NULL;
	raw = kmalloc(nraw * sizeof(*raw), GFP_KERNEL);
	strtab = kmalloc(str.sh_size + 1, GFP_KERNEL);
	us = kzalloc(sizeof(*us) + nraw * sizeof(us->sym[0]), GFP_KERNEL);
	if (!raw || !strtab || !us || !read_at(f, raw, nraw * sizeof(*raw), sh.sh_offset) ||
	    !read_at(f, strtab, str.sh_size, str.sh_offset))
		goto fail;
	strtab[str.sh_size] = '\0';
	for (unsigned long i = 0; i < nraw; i++) {
		if ((raw[i].st_info & 0xf) != STT_FUNC || !raw[i].st_shndx || !raw[i].st_size ||
		    raw[i].st_name >= str.sh_size)
			continue;
		us->sym[n].addr = bias + raw[i].st_value;
		us->sym[n].size = raw[i].st_size;
		us->sym[n].name = raw[i].st_name;
		n++;
	}
	if (!n)
		goto fail;
	sort_syms(us->sym, n);
	us->refs = 1;
	us->nr = n;
	us->names = strtab;
	us->names_size = str.sh_size;
	kfree(raw);
	return us;
fail:
	kfree(raw);
	kfree(strtab);
	kfree(us);
	return NULL;
}

void user_syms_load(struct mm_struct *mm, struct file *f, const struct elf64_hdr *eh,
		    unsigned long bias)
{
	struct user_syms *us = NULL;

	if (eh->e_shoff && eh->e_shentsize == sizeof(struct elf64_shdr) && eh->e_shnum)
		us = load(f, eh, bias);
	user_syms_free(mm);
	mm->user_syms = us;
}

void user_syms_share(struct mm_struct *child, struct mm_struct *parent)
{
	child->user_syms = parent->user_syms;
	if (child->user_syms)
		child->user_syms->refs++;
}

void user_syms_free(struct mm_struct *mm)
{
	struct user_syms *us = mm->user_syms;

	mm->user_syms = NULL;
	if (!us || --us->refs)
		return;
	kfree(us->names);
	kfree(us);
}

const char *__monitor_text user_sym_lookup(const struct mm_struct *mm, u64 ip, size_t *max,
					   u64 *off)
{
	const struct user_syms *us;
	unsigned long lo = 0, hi, nr;
	const struct user_sym *s;

	if (!kobj_ok(mm, sizeof(*mm)))
		return NULL;
	us = mm->user_syms;
	if (!us || !kobj_ok(us, sizeof(*us)))
		return NULL;
	nr = us->nr;
	if (!nr || nr > MAX_SYMS || !kobj_ok(us->sym, nr * sizeof(us->sym[0])) ||
	    !kobj_ok(us->names, us->names_size))
		return NULL;
	hi = nr;
	while (hi - lo > 1) {           /* the last symbol at or below ip */
		unsigned long mid = lo + (hi - lo) / 2;

		if (us->sym[mid].addr <= ip)
			lo = mid;
		else
			hi = mid;
	}
	s = &us->sym[lo];
	if (ip < s->addr || ip >= s->addr + s->size || s->name >= us->names_size)
		return NULL;
	*max = us->names_size - s->name;
	*off = ip - s->addr;
	return us->names + s->name;
}
