/*
 * Software page tables: four levels of 512 u64 entries, x86-64's shape.
 * Every table is one physmem frame marked PG_pgtable. An upper-level
 * entry is the next table's physmem offset | _PAGE_PRESENT; a PTE is the
 * frame's offset | _PAGE_* bits. The host process mirrors the PTEs
 * through host_queue_* ops; the tables themselves never leave glass.
 * CPU thread only.
 */
#include <glass/mm.h>
#include "internal.h"

#define PT_ENTRIES 512
#define LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * (l))     /* l = 3 (pgd) .. 0 (pte) */
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))
#define LEVEL_INDEX(a, l) (((a) >> LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))
#define ADDR_LIMIT (1UL << 48)

/* A zeroed table frame, as a kernel pointer; NULL when out of memory. */
static u64 *table_alloc(void)
{
	struct page *p = alloc_page(__GFP_ZERO | GFP_NOWARN);

	if (!p)
		return NULL;
	p->flags |= PG_pgtable;
	return page_address(p);
}

/* Free a table frame. */
static void table_free(u64 *table)
{
	struct page *p = virt_to_page(table);

	BUG_ON(!(p->flags & PG_pgtable));
	p->flags &= ~PG_pgtable;
	__free_page(p);
}

/* The table an upper-level entry points at. */
static u64 *entry_table(u64 e)
{
	return (u64 *)(PHYSMEM_BASE + (e & PTE_PFN_MASK));
}

/* A new mm's top-level table, or NULL. */
u64 *pgd_alloc(void)
{
	return table_alloc();
}

/* Walk to the PTE of addr; with alloc, create missing tables. */
static u64 *walk(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	u64 *table = mm->pgd;

	if (!table || addr >= ADDR_LIMIT)
		return NULL;
	for (int level = 3; level > 0; level--) {
		u64 *e = &table[LEVEL_INDEX(addr, level)];

		if (!(*e & _PAGE_PRESENT)) {
			u64 *next;

			if (!alloc)
				return NULL;
			next = table_alloc();
			if (!next)
				return NULL;
			mm->nr_pgtables++;
			*e = ((unsigned long)next - PHYSMEM_BASE) | _PAGE_PRESENT;
		}
		table = entry_table(*e);
	}
	return &table[LEVEL_INDEX(addr, 0)];
}

/* The PTE slot of addr, or NULL when its table does not exist. */
u64 *pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	return walk(mm, addr, false);
}

/* The PTE slot of addr, creating tables; NULL when out of memory. */
u64 *pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	return walk(mm, addr, true);
}

/* Recursive part of walk_ptes for one table at level. */
static int walk_level(struct mm_struct *mm, u64 *table, int level,
		      unsigned long base, unsigned long start, unsigned long end,
		      pte_fn_t fn, void *arg)
{
	unsigned long size = LEVEL_SIZE(level);
	unsigned int i = LEVEL_INDEX(start, level);

	for (unsigned long a = base + i * size; i < PT_ENTRIES && a < end;
	     i++, a += size) {
		int r;

		if (!table[i])
			continue;
		if (level == 0)
			r = fn(mm, a, &table[i], arg);
		else
			r = walk_level(mm, entry_table(table[i]), level - 1, a,
				       max(a, start), end, fn, arg);
		if (r)
			return r;
	}
	return 0;
}

/* Call fn on each non-empty PTE in [start, end). */
int walk_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
	      pte_fn_t fn, void *arg)
{
	if (!mm->pgd || start >= end)
		return 0;
	if (end > ADDR_LIMIT)
		end = ADDR_LIMIT;
	return walk_level(mm, mm->pgd, 3, 0, start, end, fn, arg);
}

/* Free the tables below table (at level); complain about live PTEs. */
static void free_level(u64 *table, int level)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		if (!table[i])
			continue;
		if (level == 1) {
			u64 *pte = entry_table(table[i]);

			for (int j = 0; j < PT_ENTRIES; j++)
				if (pte[j])
					panic("free_pgtables: PTE %#llx still set",
					      (unsigned long long)pte[j]);
			table_free(pte);
		} else {
			free_level(entry_table(table[i]), level - 1);
			table_free(entry_table(table[i]));
		}
		table[i] = 0;
	}
}

/* Free every table below the pgd; all PTEs must already be clear. */
void clear_pgtables(struct mm_struct *mm)
{
	if (mm->pgd)
		free_level(mm->pgd, 3);
	mm->nr_pgtables = 0;
}

/* Free all of mm's tables, the pgd too (last mmput). */
void free_pgtables(struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	clear_pgtables(mm);
	table_free(mm->pgd);
	mm->pgd = NULL;
}
