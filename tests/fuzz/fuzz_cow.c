/*
 * libFuzzer target for UML COW headers (kernel/drivers/cow.c): any bytes
 * as the start of a file. A header that decodes must have a sane layout,
 * encode back to bytes that decode to the same header, and its bitmap
 * spans must lie between the header and the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glass/cow.h>
#include <glass/errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cow_header h, again;
	static uint8_t enc[COW_HEADER_SIZE];
	const char *why = NULL;
	u64 pos;
	size_t len;
	int r = cow_header_decode(data, size, &h, &why);

	if (r == -EINVAL && !why)
		abort();
	if (r)
		return 0;
	if (h.bitmap_offset < COW_HEADER_SIZE || h.data_offset < h.bitmap_offset + h.bitmap_len ||
	    h.bitmap_len * 8 < cow_sectors(&h) || h.data_offset % h.alignment ||
	    strlen(h.backing_file) >= COW_PATH_LEN)
		abort();
	if (cow_sectors(&h)) {
		cow_bitmap_span(&h, cow_sectors(&h) - 1, 1, &pos, &len);
		if (pos < h.bitmap_offset || pos + len > h.bitmap_offset + h.bitmap_len)
			abort();
	}
	if (!h.broken_layout) {
		cow_header_encode(&h, enc);
		if (cow_header_decode(enc, sizeof(enc), &again, &why) ||
		    again.size != h.size || again.mtime != h.mtime ||
		    again.data_offset != h.data_offset ||
		    strcmp(again.backing_file, h.backing_file))
			abort();
	}
	return 0;
}
