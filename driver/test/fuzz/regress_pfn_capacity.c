/*
 * regress_pfn_capacity.c - the finding of driver/test/vectors/fuzz-chain-4gib-pfn-width.vec, as a host check.
 *
 * mdlb_pfn_capacity_from_size (driver/src/protocol.c) tells Windows' MDLs (Size = 48 + 8n, mod 65536) from
 * Wine's (48 + 4n) by the Size field. When n is a multiple of 16384 the two are the same number, and the function
 * answers n 8-byte slots: on Wine the snapshot then copies twice the PFN array (8 MiB out of 4 MiB for a
 * 4 GiB - 4 KiB MDL) and winedevice.exe dies. The check: when a Size fits both layouts, the capacity must be one
 * that is safe under both (n / 2 slots of 8 bytes), or the driver must know its PFN width some other way and
 * this check be changed with it. Exit 0 when every ambiguous case is safe.
 */
#include "protocol.h"
#include <stdio.h>

int main(void)
{
    unsigned long long n;
    int bad = 0;
    for (n = 1; n <= 0x100000ull; n++) {
        mdlb_u16 wine = (mdlb_u16)(48u + 4u * n);
        mdlb_u16 windows = (mdlb_u16)(48u + 8u * n);
        if (wine == windows) {
            mdlb_u32 c = mdlb_pfn_capacity_from_size(wine, n);
            if (c > n / 2) {
                if (bad < 3)
                    printf("regress_pfn_capacity: Size %u for %llu pages is both 48+4n and 48+8n (mod 65536); "
                           "capacity %u 8-byte slots over-reads a 4-byte PFN array of %llu bytes\n",
                           wine, n, c, 4 * n);
                bad++;
            }
        }
    }
    if (bad)
        printf("regress_pfn_capacity: FAILED: %d ambiguous spans (every multiple of 16384 pages)\n", bad);
    else
        printf("regress_pfn_capacity: ok\n");
    return bad ? 1 : 0;
}
