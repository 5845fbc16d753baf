/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: RoomData (Windows 3.x ChatRoom.RoomData, 4.x chat_room.ext_buffer;
 * src/wechat/wc_desk_blob.c). */
#include "config.h"
#include "wechat/wc_desk_blob.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_cur c = wxf_cur_make(data, size);
	wxf_roomdata_member m;
	size_t sum = 0;
	int k = 0;

	if (size > (1u << 20))
		return 0;
	while (wxf_roomdata_next(&c, &m) == 1 && k++ < 100000)
		sum += m.user[0] + (m.display != NULL && m.display_n > 0 ? m.display[0] : 0);
	return sum == (size_t)-1;
}
