/*
 * Trap-free guest syscalls (kernel/arch/x86_64/syscall_patch.c): a site
 * `mov $nr,%eax; syscall` that traps twice in an mm is rewritten into
 * `jmp *slot`, the slot in a region of the mm at SC_REGION pointing at
 * the site's trampoline, which jumps to the stub's syscall entry.
 */
#ifndef GLASS_SYSCALL_PATCH_H
#define GLASS_SYSCALL_PATCH_H

#include <glass/types.h>

struct mm_struct;
struct pt_regs;
struct guest_stop;

/*
 * The region: slots, then 32-byte trampolines. The slots lie in
 * [0x60000, 0x70000) so that byte 5 of a patched site, the slot
 * address's third byte, is 0x06, an invalid opcode: code that reaches
 * the old syscall instruction (site + 5) faults there (SIGILL) instead of
 * running the middle of the jmp.
 */
#define SC_REGION 0x60000UL
#define SC_MAX_SITES 1024
#define SC_TRAMPS (SC_REGION + 8 * SC_MAX_SITES)
#define SC_TRAMP_SIZE 32
#define SC_REGION_END (SC_TRAMPS + SC_TRAMP_SIZE * SC_MAX_SITES)
#define SC_SITE_LEN 7
#define SC_MAX_NR 1024          /* syscall numbers a site may hold */

/* syscall_insn.c: the bytes, pure. */
bool sc_site_match(const u8 *site, u32 nr);
void sc_site_original(u8 *site, u32 nr);
void sc_site_encode(u8 *site, unsigned int slot);
bool sc_site_patched(const u8 *site, unsigned int slot);
void sc_tramp_encode(u8 *tramp, u32 nr, u64 ret);

/* syscall_patch.c */
void syscall_patch_trapped(struct pt_regs *regs);
bool syscall_patch_fixup(const struct guest_stop *stop, struct pt_regs *regs);
void syscall_patch_rewind(struct pt_regs *regs);
void syscall_patch_hide(struct mm_struct *mm, unsigned long addr, void *buf,
			unsigned long len);
void syscall_patch_unpatch(struct mm_struct *mm, unsigned long addr, unsigned long len);
void syscall_patch_region_change(struct mm_struct *mm, unsigned long addr,
				 unsigned long len);
int syscall_patch_dup(struct mm_struct *old, struct mm_struct *new);
void syscall_patch_free(struct mm_struct *mm);

extern unsigned long syscall_patched;   /* sites patched since boot */
extern unsigned long syscall_entries;   /* syscalls through patched sites */
extern unsigned long syscall_fixups;    /* stops turned into their syscall */

#endif
