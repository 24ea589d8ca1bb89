/* Structure packing to 1-byte boundaries until the matching poppack.h, as the DDK header of this name does. No
 * include guard: every inclusion pushes one level. */
#pragma pack(push, 1)
