/*
 * h_misc.c - protocol.c's arithmetic helpers on every input: mdlb_priority_ok, mdlb_page_flags_ok,
 * mdlb_span_pages (any 64-bit address and length), the PFN width and capacity rules (any 16-bit Size, any
 * span, any width) and mdlb_pfn_window (any five 32-bit arguments).
 */
#include "eva_common.h"
#include "protocol.h"

int main(void)
{
    mdlb_u16 size = Frama_C_unsigned_short_interval(0, 0xFFFFu);
    (void)mdlb_priority_ok(any_u32());
    (void)mdlb_page_flags_ok(any_u32());
    (void)mdlb_span_pages(any_u64(), any_u64());
    (void)mdlb_pfn_width_from_one_page_size(size);
    (void)mdlb_pfn_capacity(size, any_u64(), any_u32());
    (void)mdlb_pfn_capacity_from_size(size, any_u64());
    (void)mdlb_pfn_window(any_u32(), any_u32(), any_u32(), any_u32(), any_u32());
    return 0;
}
