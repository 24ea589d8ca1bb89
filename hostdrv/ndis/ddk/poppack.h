/* Restores the structure packing that the matching pshpackN.h saved. No include guard: every inclusion pops one
 * level. */
#pragma pack(pop)
