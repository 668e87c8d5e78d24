/*
 * The instruction bytes of syscall patching (syscall_patch.c). Pure: what
 * a patchable site is, what replaces it, what its trampoline holds.
 */
#include <glass/layout.h>
#include <glass/syscall_patch.h>

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void put_le(u8 *p, u64 v, int n)
{
	while (n--) {
		*p++ = (u8)v;
		v >>= 8;
	}
}

static u32 slot_addr(unsigned int slot)
{
	return (u32)(SC_REGION + 8 * slot);
}

/* mov $nr, %eax; syscall */
bool sc_site_match(const u8 *site, u32 nr)
{
	return site[0] == 0xb8 && get_le32(site + 1) == nr &&
	       site[5] == 0x0f && site[6] == 0x05;
}

void sc_site_original(u8 *site, u32 nr)
{
	site[0] = 0xb8;
	put_le(site + 1, nr, 4);
	site[5] = 0x0f;
	site[6] = 0x05;
}

/* jmp *slot (ff /4, SIB with no base or index: an absolute disp32). */
void sc_site_encode(u8 *site, unsigned int slot)
{
	site[0] = 0xff;
	site[1] = 0x24;
	site[2] = 0x25;
	put_le(site + 3, slot_addr(slot), 4);
}

bool sc_site_patched(const u8 *site, unsigned int slot)
{
	return site[0] == 0xff && site[1] == 0x24 && site[2] == 0x25 &&
	       get_le32(site + 3) == slot_addr(slot);
}

/*
 * mov $nr, %eax; movabs $ret, %rcx; jmp *entry(%rip), the entry's address
 * inline; int3 to the end. rcx is the return address, as the syscall
 * instruction leaves it, and is what the entry returns to.
 */
void sc_tramp_encode(u8 *tramp, u32 nr, u64 ret)
{
	static const u8 jmp_rip[6] = { 0xff, 0x25, 0, 0, 0, 0 };
	int i;

	tramp[0] = 0xb8;
	put_le(tramp + 1, nr, 4);
	tramp[5] = 0x48;
	tramp[6] = 0xb9;
	put_le(tramp + 7, ret, 8);
	for (i = 0; i < 6; i++)
		tramp[15 + i] = jmp_rip[i];
	put_le(tramp + 21, STUB_SYSCALL_ENTRY, 8);
	for (i = 29; i < SC_TRAMP_SIZE; i++)
		tramp[i] = 0xcc;
}
