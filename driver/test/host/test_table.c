/* The object table, the CONTRACT section 3 refusals as functions of object state, and the section 4 limits. */
#include "check.h"
#include "table_fixture.h"

#define KB 0xFFFF900000100000ull
#define USER 0x10000ull

static void test_ids(void)
{
    mdlb_table t;
    mdlb_obj *o;
    mdlb_u32 a, b, i;
    mdlb_table_init(&t, xalloc, xfree);
    a = add(&t, MDLB_OBJ_MDL, USER, 100, 0, 0);
    b = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    CHECK(a == 1 && b == 2, "small ids from 1");
    CHECK(mdlb_table_lookup(&t, a, MDLB_KINDS_ANY_MDL, &o) == 0 && o->id == a, "lookup");
    CHECK(mdlb_table_lookup(&t, b, MDLB_KINDS_ANY_MDL, &o) == MDLB_STATUS_OBJECT_TYPE_MISMATCH, "kind mismatch");
    CHECK(mdlb_table_lookup(&t, 99, MDLB_KINDS_ANY_MDL, &o) == MDLB_STATUS_NOT_FOUND && o == NULL, "unknown id");
    CHECK(mdlb_table_lookup(&t, 0, MDLB_KINDS_ANY_MDL, &o) == MDLB_STATUS_NOT_FOUND, "id 0 is none");
    mdlb_table_remove(&t, get(&t, a));
    CHECK(mdlb_table_lookup(&t, a, MDLB_KINDS_ANY_MDL, &o) == MDLB_STATUS_NOT_FOUND, "released id is gone");
    CHECK(add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0) == 3, "ids are not reused");
    for (i = 0; i < 300; i++)
        add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0);
    CHECK(get(&t, 303) != NULL && get(&t, b) != NULL && t.capacity >= 302, "table grows and keeps objects");
    mdlb_table_destroy(&t);
}

static void test_ranges(void)
{
    mdlb_table t;
    mdlb_u32 kb, m;
    mdlb_table_init(&t, xalloc, xfree);
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    CHECK(mdlb_table_kernel_range(&t, KB, 8192) != NULL, "whole buffer");
    CHECK(mdlb_table_kernel_range(&t, KB + 100, 8000) != NULL, "inside");
    CHECK(mdlb_table_kernel_range(&t, KB + 100, 8100) == NULL, "reaches past the end");
    CHECK(mdlb_table_kernel_range(&t, KB - 1, 2) == NULL, "starts before");
    CHECK(mdlb_table_kernel_range(&t, ~0ull - 10, 20) == NULL, "wraps");
    m = add(&t, MDLB_OBJ_MDL, KB + 4000, 200, 0, 0);
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE, "3.9 ExFreePool of a described buffer");
    mdlb_table_remove(&t, get(&t, m));
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == 0, "free once nothing describes it");
    m = add(&t, MDLB_OBJ_MDL, KB - 100, 200, 0, 0);
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE, "overlapping the start counts too");
    mdlb_table_remove(&t, get(&t, m));
    add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000010000ull, 5000, 0, 0);
    CHECK(mdlb_table_in_user_mapping(&t, 0x7FF000011000ull, 16), "inside a user mapping (whole pages)");
    CHECK(mdlb_table_in_user_mapping(&t, 0x7FF00000F000ull, 0x1001), "overlaps the start");
    CHECK(!mdlb_table_in_user_mapping(&t, 0x7FF000012000ull, 16), "past its last page");
    mdlb_table_destroy(&t);
}

static void test_probe(void)
{
    mdlb_table t;
    mdlb_u32 m, k, z, src, part, pg, um, inmap;
    mdlb_table_init(&t, xalloc, xfree);
    add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    m = add(&t, MDLB_OBJ_MDL, USER, 100, 0, 0);
    k = add(&t, MDLB_OBJ_MDL, KB + 16, 100, 0, 0);
    z = add(&t, MDLB_OBJ_MDL, KB, 0, 0, 0);
    CHECK(mdlb_check_probe(&t, get(&t, m), MDLB_USER_MODE, 0, 0) == 0, "UserMode probe of a caller range");
    CHECK(mdlb_check_probe(&t, get(&t, m), MDLB_KERNEL_MODE, 0, 0) == MDLB_REFUSE_KERNEL_RANGE_REQUIRED,
          "3.2 KernelMode probe of a caller range");
    CHECK(mdlb_check_probe(&t, get(&t, k), MDLB_KERNEL_MODE, 0, 0) == 0, "KernelMode probe inside a kernel buffer");
    CHECK(mdlb_check_probe(&t, get(&t, z), MDLB_USER_MODE, 0, 0) == 0, "zero-length UserMode probe allowed");
    CHECK(mdlb_check_probe(&t, get(&t, z), MDLB_KERNEL_MODE, 0, 0) == MDLB_REFUSE_ZERO_LENGTH, "zero-length KernelMode");
    get(&t, m)->state |= MDLB_ST_LOCKED;
    CHECK(mdlb_check_probe(&t, get(&t, m), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_PROBE_LOCKED, "3.1 locked");
    get(&t, k)->state |= MDLB_ST_NONPAGED;
    CHECK(mdlb_check_probe(&t, get(&t, k), MDLB_KERNEL_MODE, 0, 0) == MDLB_REFUSE_PROBE_NONPAGED, "3.1 nonpaged");
    get(&t, z)->state |= MDLB_ST_SYSADDR;
    CHECK(mdlb_check_probe(&t, get(&t, z), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_PROBE_MAPPED, "3.1 mapped");
    src = m;
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 10, src, 0);
    CHECK(mdlb_check_probe(&t, get(&t, part), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_PROBE_PARTIAL, "3.1 partial");
    pg = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    CHECK(mdlb_check_probe(&t, get(&t, pg), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_PROBE_NOT_IOALLOCATED, "3.1 pages");
    um = add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000000000ull, 100, src, 0);
    CHECK(get(&t, src)->user_mappings == 1, "mapping counted on its MDL");
    inmap = add(&t, MDLB_OBJ_MDL, 0x7FF000000010ull, 10, 0, 0);
    CHECK(mdlb_check_probe(&t, get(&t, inmap), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_RANGE_IN_USER_MAPPING,
          "section 2: range inside a driver user mapping refused for every probe");
    (void)um;
    mdlb_table_destroy(&t);
}

static void test_build_map(void)
{
    mdlb_table t;
    mdlb_u32 k, u, z, part, pg;
    mdlb_table_init(&t, xalloc, xfree);
    add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    k = add(&t, MDLB_OBJ_MDL, KB, 8192, 0, 0);
    u = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, 0);
    z = add(&t, MDLB_OBJ_MDL, KB, 0, 0, 0);
    CHECK(mdlb_check_build_nonpaged(&t, get(&t, k)) == 0, "nonpaged build in a kernel buffer");
    CHECK(mdlb_check_build_nonpaged(&t, get(&t, u)) == MDLB_REFUSE_KERNEL_RANGE_REQUIRED, "3.2 nonpaged build of user");
    CHECK(mdlb_check_build_nonpaged(&t, get(&t, z)) == MDLB_REFUSE_ZERO_LENGTH, "nonpaged build of 0 bytes");
    CHECK(mdlb_check_map(&t, get(&t, u), 0, 0) == MDLB_REFUSE_MAP_NOT_LOCKED, "3.3 map of an unlocked MDL");
    get(&t, u)->state |= MDLB_ST_LOCKED;
    CHECK(mdlb_check_map(&t, get(&t, u), 0, 0) == 0, "system map of a locked MDL");
    CHECK(mdlb_check_map(&t, get(&t, u), 1, 1) == MDLB_REFUSE_SHARED_HANDLE, "section 1: user map on a shared handle");
    CHECK(mdlb_check_map(&t, get(&t, u), 1, 0) == 0, "user map");
    get(&t, k)->state |= MDLB_ST_NONPAGED;
    CHECK(mdlb_check_map(&t, get(&t, k), 0, 0) == 0, "map of a nonpaged MDL");
    CHECK(mdlb_check_build_nonpaged(&t, get(&t, k)) == MDLB_REFUSE_PROBE_NONPAGED, "build twice");
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 100, u, 0);
    CHECK(mdlb_check_map(&t, get(&t, part), 0, 0) == 0, "map of a partial of a locked MDL");
    get(&t, u)->state &= ~MDLB_ST_LOCKED;
    CHECK(mdlb_check_map(&t, get(&t, part), 0, 0) == MDLB_REFUSE_MAP_NOT_LOCKED, "partial of an unlocked source");
    pg = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    CHECK(mdlb_check_map(&t, get(&t, pg), 0, 0) == 0, "map of a page allocation");
    get(&t, pg)->state |= MDLB_ST_PAGES_FREED;
    CHECK(mdlb_check_map(&t, get(&t, pg), 0, 0) == MDLB_REFUSE_MAP_NOT_LOCKED, "map after MmFreePagesFromMdl");
    get(&t, z)->state |= MDLB_ST_NONPAGED;
    CHECK(mdlb_check_map(&t, get(&t, z), 0, 0) == MDLB_REFUSE_ZERO_LENGTH, "map of 0 bytes");
    mdlb_table_destroy(&t);
}

static void test_unlock_free(void)
{
    mdlb_table t;
    mdlb_u32 m, part, um, init, pg, np;
    mdlb_table_init(&t, xalloc, xfree);
    m = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, 0);
    CHECK(mdlb_check_unlock(get(&t, m)) == MDLB_REFUSE_UNLOCK_NOT_LOCKED, "3.4 never locked");
    CHECK(mdlb_check_free(get(&t, m), MDLB_FREE_IOFREEMDL) == 0, "free of an unlocked MDL");
    CHECK(mdlb_check_free(get(&t, m), MDLB_FREE_EXFREEPOOL) == MDLB_REFUSE_FREE_WRONG_METHOD, "ExFreePool of IoAllocateMdl");
    get(&t, m)->state |= MDLB_ST_LOCKED;
    CHECK(mdlb_check_free(get(&t, m), MDLB_FREE_IOFREEMDL) == MDLB_REFUSE_FREE_LOCKED, "3.6 free of a locked MDL");
    part = add(&t, MDLB_OBJ_PARTIAL, USER + 4096, 100, m, 0);
    CHECK(mdlb_check_unlock(get(&t, m)) == MDLB_REFUSE_PARTIAL_LIVES, "3.5 unlock while a partial lives");
    CHECK(mdlb_check_unlock(get(&t, part)) == MDLB_REFUSE_UNLOCK_PARTIAL, "3.4 unlock of a partial");
    um = add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000000000ull, 8192, m, 0);
    CHECK(mdlb_check_unlock(get(&t, m)) == MDLB_REFUSE_USER_MAPPING_LIVES, "3.5 unlock while a user mapping lives");
    mdlb_table_remove(&t, get(&t, um));
    mdlb_table_remove(&t, get(&t, part));
    CHECK(get(&t, m)->partials == 0 && get(&t, m)->user_mappings == 0, "dependents dropped on remove");
    CHECK(mdlb_check_unlock(get(&t, m)) == 0, "unlock");
    get(&t, m)->state = MDLB_ST_SYSMAP;
    CHECK(mdlb_check_free(get(&t, m), MDLB_FREE_IOFREEMDL) == MDLB_REFUSE_FREE_MAPPED, "3.6 free of a mapped MDL");
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 10, m, MDLB_ST_SYSMAP);
    CHECK(mdlb_check_free(get(&t, part), MDLB_FREE_IOFREEMDL) == 0, "a mapped partial may be freed");
    init = add(&t, MDLB_OBJ_INIT_MDL, USER, 100, 0, 0);
    CHECK(mdlb_check_free(get(&t, init), MDLB_FREE_IOFREEMDL) == MDLB_REFUSE_FREE_WRONG_METHOD,
          "3.6 IoFreeMdl of an MmInitializeMdl MDL");
    CHECK(mdlb_check_free(get(&t, init), MDLB_FREE_EXFREEPOOL) == 0, "ExFreePool of MDL storage");
    pg = add(&t, MDLB_OBJ_PAGES, 0, 8192, 0, 0);
    CHECK(mdlb_check_unlock(get(&t, pg)) == MDLB_REFUSE_UNLOCK_PAGES, "3.4 unlock of a page allocation");
    CHECK(mdlb_check_free(get(&t, pg), MDLB_FREE_EXFREEPOOL) == MDLB_REFUSE_FREE_PAGES_FIRST, "ExFreePool before free pages");
    get(&t, pg)->state |= MDLB_ST_SYSMAP;
    CHECK(mdlb_check_free_pages(get(&t, pg)) == MDLB_REFUSE_SYSTEM_MAPPING_LIVES, "3.5 free pages while mapped");
    get(&t, pg)->state &= ~MDLB_ST_SYSMAP;
    CHECK(mdlb_check_free_pages(get(&t, pg)) == 0, "MmFreePagesFromMdl");
    CHECK(mdlb_check_free_pages(get(&t, m)) == MDLB_REFUSE_NOT_PAGE_ALLOCATION, "3.5 free pages of another MDL");
    get(&t, pg)->state |= MDLB_ST_PAGES_FREED;
    CHECK(mdlb_check_free_pages(get(&t, pg)) == MDLB_REFUSE_NOT_PAGE_ALLOCATION, "free pages twice");
    CHECK(mdlb_check_free(get(&t, pg), MDLB_FREE_EXFREEPOOL) == 0, "ExFreePool after free pages");
    CHECK(mdlb_check_free(get(&t, pg), MDLB_FREE_IOFREEMDL) == MDLB_REFUSE_FREE_WRONG_METHOD, "IoFreeMdl of pages");
    np = add(&t, MDLB_OBJ_MDL, KB, 10, 0, MDLB_ST_NONPAGED);
    CHECK(mdlb_check_unlock(get(&t, np)) == MDLB_REFUSE_UNLOCK_NONPAGED, "3.4 unlock of a nonpaged MDL");
    mdlb_table_destroy(&t);
}

static void test_unmap_partial(void)
{
    mdlb_table t;
    mdlb_u32 src, part, len, np;
    mdlb_table_init(&t, xalloc, xfree);
    src = add(&t, MDLB_OBJ_MDL, USER + 0x10, 3 * 4096, 0, 0);
    CHECK(mdlb_check_partial(&t, get(&t, src), 0, 0, &len) == MDLB_REFUSE_PARTIAL_SOURCE, "3.8 unlocked source");
    get(&t, src)->state |= MDLB_ST_LOCKED | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR;
    CHECK(mdlb_check_partial(&t, get(&t, src), 100, 0, &len) == 0 && len == 3 * 4096 - 100, "length 0: the rest");
    CHECK(mdlb_check_partial(&t, get(&t, src), 100, 3 * 4096 - 100, &len) == 0, "up to the end");
    CHECK(mdlb_check_partial(&t, get(&t, src), 100, 3 * 4096 - 99, &len) == MDLB_REFUSE_PARTIAL_RANGE, "past the end");
    CHECK(mdlb_check_partial(&t, get(&t, src), 3 * 4096, 0, &len) == MDLB_REFUSE_PARTIAL_RANGE, "offset at the end");
    CHECK(mdlb_check_partial(&t, get(&t, src), 0xFFFFFFFFFFFFull, 1, &len) == MDLB_REFUSE_PARTIAL_RANGE, "huge offset");
    part = add(&t, MDLB_OBJ_PARTIAL, USER + 0x10, 100, src, MDLB_ST_INHERITED | MDLB_ST_SYSADDR);
    CHECK(mdlb_check_partial(&t, get(&t, part), 0, 0, &len) == MDLB_REFUSE_PARTIAL_SOURCE, "partial of a partial");
    CHECK(get(&t, src)->inheritors == 1, "inheritor counted");
    CHECK(mdlb_check_unmap_system(get(&t, src)) == MDLB_REFUSE_UNMAP_INHERITED, "3.7 unmap of an inherited mapping");
    CHECK(mdlb_check_unmap_system(get(&t, part)) == MDLB_REFUSE_UNMAP_NOT_OWNED, "3.7 partial's inherited address");
    mdlb_table_remove(&t, get(&t, part));
    CHECK(mdlb_check_unmap_system(get(&t, src)) == 0, "unmap once the partial is gone");
    np = add(&t, MDLB_OBJ_MDL, KB, 100, 0, MDLB_ST_NONPAGED | MDLB_ST_SYSADDR);
    CHECK(mdlb_check_unmap_system(get(&t, np)) == MDLB_REFUSE_UNMAP_NOT_OWNED, "3.7 nonpaged MDL's own address");
    CHECK(mdlb_check_partial(&t, get(&t, np), 0, 50, &len) == 0 && len == 50, "partial of a nonpaged MDL");
    mdlb_table_destroy(&t);
}

static void test_transfer(void)
{
    mdlb_table t;
    mdlb_u32 r, w, map, np, part;
    mdlb_table_init(&t, xalloc, xfree);
    r = add(&t, MDLB_OBJ_MDL, USER, 100, 0, MDLB_ST_LOCKED);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, r), 0, 0, 10) == MDLB_REFUSE_MAPPING_ENDED, "3.10 no mapping");
    get(&t, r)->state |= MDLB_ST_SYSADDR;
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, r), 0, 0, 100) == 0, "read [0, ByteCount)");
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, r), 0, 1, 100) == MDLB_REFUSE_OUT_OF_RANGE, "3.11 read past the end");
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, r), 0, 0xFFFFFFFFu, 2) == MDLB_REFUSE_OUT_OF_RANGE, "no wrap");
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, r), 1, 0, 1) == MDLB_REFUSE_WRITE_NOT_ALLOWED, "3.11 write read-locked");
    w = add(&t, MDLB_OBJ_MDL, USER, 100, 0, MDLB_ST_LOCKED | MDLB_ST_WRITE | MDLB_ST_SYSADDR);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, w), 1, 0, 100) == 0, "write through a write-locked mapping");
    get(&t, w)->state |= MDLB_ST_NOWRITE;
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, w), 1, 0, 1) == MDLB_REFUSE_WRITE_NOT_ALLOWED, "3.11 NoWrite mapping");
    map = add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000000000ull, 100, r, 0);
    get(&t, map)->nowrite = 1;
    CHECK(mdlb_check_transfer(&t, get(&t, map), get(&t, r), 0, 0, 100) == 0, "read through a user mapping");
    CHECK(mdlb_check_transfer(&t, get(&t, map), get(&t, r), 1, 0, 1) == MDLB_REFUSE_WRITE_NOT_ALLOWED,
          "write through a read-only user mapping");
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 10, w, MDLB_ST_SYSADDR);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, part), 1, 0, 10) == 0, "a partial follows its write-locked source");
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 10, r, MDLB_ST_SYSADDR);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, part), 1, 0, 10) == MDLB_REFUSE_WRITE_NOT_ALLOWED,
          "a partial follows its read-locked source");
    np = add(&t, MDLB_OBJ_MDL, KB, 100, 0, MDLB_ST_NONPAGED | MDLB_ST_SYSADDR);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, np), 1, 0, 100) == 0, "driver-owned pages are writable");
    mdlb_table_destroy(&t);
}

static void test_release_order(void)
{
    mdlb_table t;
    mdlb_obj *o;
    int phase, last = 0, ok = 1, n = 0;
    mdlb_u32 kb, m, pg;
    mdlb_table_init(&t, xalloc, xfree);
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    m = add(&t, MDLB_OBJ_MDL, KB, 8192, 0, MDLB_ST_LOCKED | MDLB_ST_SYSMAP);
    pg = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    add(&t, MDLB_OBJ_PARTIAL, KB, 10, m, 0);
    add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000000000ull, 10, m, 0);
    add(&t, MDLB_OBJ_INIT_MDL, USER, 10, 0, 0);
    (void)kb;
    (void)pg;
    /* The driver's release loop: act, then change the state the way the DDI did. */
    while ((o = mdlb_table_next_release(&t, &phase)) != NULL && n++ < 100) {
        if (phase < last)
            ok = 0;
        last = phase;
        switch (phase) {
        case MDLB_REL_SYSTEM_MAPPING: o->state &= ~MDLB_ST_SYSMAP; break;
        case MDLB_REL_UNLOCK: o->state &= ~MDLB_ST_LOCKED; break;
        case MDLB_REL_FREE_PAGES: o->state |= MDLB_ST_PAGES_FREED; break;
        default:
            if (o->kind == MDLB_OBJ_KERNEL_BUFFER && mdlb_check_pool_free(&t, o) != 0)
                ok = 0;
            if (o->user_mappings || o->partials)
                ok = 0;
            mdlb_table_remove(&t, o);
        }
    }
    CHECK(ok && n == 9, "CONTRACT section 1 order: user mappings, partials, system mappings, unlocks, free pages, "
                        "MDL frees, kernel buffers");
    mdlb_table_destroy(&t);
}

static void test_limits(void)
{
    mdlb_limits hl, dl;
    mdlb_use h, d, a;
    mdlb_default_limits(&hl, &dl);
    memset(&h, 0, sizeof(h));
    memset(&d, 0, sizeof(d));
    memset(&a, 0, sizeof(a));
    a.objects = 1;
    a.pool_bytes = 48 + 8 * 0x100000ull; /* the operating system's maximum MDL, unaligned */
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == 0, "one 4 GiB - 4 KiB MDL fits an empty handle");
    a.locked_bytes = 0x100000000ull;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == 0, "and may lock 4 GiB");
    h.objects = MDLB_LIMIT_HANDLE_OBJECTS;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_OBJECTS, "objects per handle");
    h.objects = 0;
    h.locked_bytes = 1;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_LOCKED_BYTES, "locked bytes per handle");
    memset(&h, 0, sizeof(h));
    memset(&a, 0, sizeof(a));
    a.kernel_buffer_bytes = MDLB_LIMIT_HANDLE_KERNEL_BUFFER_BYTES + 1;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_KERNEL_BUFFER_BYTES, "kernel buffer bytes");
    memset(&a, 0, sizeof(a));
    a.page_bytes = MDLB_LIMIT_HANDLE_PAGE_ALLOC_BYTES + 4096;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_PAGE_ALLOC_BYTES, "page allocation bytes");
    memset(&a, 0, sizeof(a));
    a.pool_bytes = MDLB_LIMIT_HANDLE_MDL_POOL_BYTES + 1;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_MDL_POOL_BYTES, "MDL pool bytes");
    memset(&a, 0, sizeof(a));
    a.system_mapping_bytes = MDLB_LIMIT_HANDLE_SYSTEM_MAPPING_BYTES + MDLB_PAGE_SIZE;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_SYSTEM_MAPPING_BYTES,
          "section 4: a mapping past maxSystemMappingBytes");
    memset(&a, 0, sizeof(a));
    a.objects = 1;
    d.objects = MDLB_LIMIT_DRIVER_OBJECTS;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_OBJECTS, "objects for the whole driver");
    d.objects = 0;
    a.locked_bytes = ~0ull;
    h.locked_bytes = 10;
    CHECK(mdlb_limit_check(&h, &hl, &d, &dl, &a) == MDLB_LIMIT_LOCKED_BYTES, "no overflow in the sum");
    memset(&a, 0, sizeof(a));
    a.objects = 2;
    a.locked_bytes = 4096;
    mdlb_use_add(&h, &a);
    mdlb_use_sub(&h, &a);
    CHECK(h.objects == 0 && h.locked_bytes == 10, "add and sub are inverse");
}

/* Finding 1: an MDL allocated at a kernel address before the pool hands a buffer out there still describes it,
 * whatever its state, so the buffer cannot be freed under it. */
static void test_mdl_before_buffer(void)
{
    mdlb_table t;
    mdlb_u32 m, kb, part;
    mdlb_table_init(&t, xalloc, xfree);
    m = add(&t, MDLB_OBJ_MDL, KB + 0x100, 0x200, 0, 0);
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 4096, 0, 0);
    CHECK(mdlb_check_build_nonpaged(&t, get(&t, m)) == 0, "the MDL lies in the new buffer: it may be built");
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE, "3.9: unbuilt MDL made before it");
    get(&t, m)->state |= MDLB_ST_NONPAGED;
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE, "3.9: built MDL made before it");
    part = add(&t, MDLB_OBJ_PARTIAL, KB + 0x100, 0x10, m, 0);
    get(&t, m)->state &= ~MDLB_ST_NONPAGED;
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE, "3.9: a partial over it");
    mdlb_table_remove(&t, get(&t, part));
    mdlb_table_remove(&t, get(&t, m));
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == 0, "3.9: free once no MDL overlaps");
    add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == 0, "a page allocation has no address and overlaps nothing");
    mdlb_table_destroy(&t);
}

/* Finding 2: a partial that inherits its source's system mapping inherits its NoWrite protection. */
static void test_partial_keeps_nowrite(void)
{
    mdlb_table t;
    mdlb_u32 src, part;
    mdlb_obj *p;
    mdlb_table_init(&t, xalloc, xfree);
    src = add(&t, MDLB_OBJ_MDL, USER, 8192, 0,
              MDLB_ST_LOCKED | MDLB_ST_WRITE | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE | MDLB_ST_PROC_VALID);
    CHECK(mdlb_partial_state(get(&t, src), 1) ==
              (MDLB_ST_INHERITED | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE | MDLB_ST_PROC_VALID),
          "mapped NoWrite source: the partial inherits the mapping and NoWrite");
    CHECK(mdlb_partial_state(get(&t, src), 0) == MDLB_ST_PROC_VALID, "unmapped source: nothing inherited");
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 8192, src, mdlb_partial_state(get(&t, src), 1));
    p = get(&t, part);
    CHECK(mdlb_check_transfer(&t, NULL, p, 1, 0, 1) == MDLB_REFUSE_WRITE_NOT_ALLOWED,
          "3.11: write through the partial's inherited NoWrite mapping");
    CHECK(mdlb_check_transfer(&t, NULL, p, 0, 0, 1) == 0, "reads through it are fine");
    get(&t, src)->state &= ~MDLB_ST_NOWRITE;
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 8192, src, mdlb_partial_state(get(&t, src), 1));
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, part), 1, 0, 1) == 0, "a writable source mapping stays writable");
    CHECK(mdlb_check_partial(&t, get(&t, part), 0, 0, &src) == MDLB_REFUSE_PARTIAL_SOURCE,
          "a partial is never a source");
    mdlb_table_destroy(&t);
}

/* Finding 3: user-mapping ranges are process-wide and page-granular. */
static void test_process_ranges(void)
{
    mdlb_range_set s;
    mdlb_table t;
    mdlb_u32 m;
    mdlb_ranges_init(&s, xalloc, xfree);
    mdlb_table_init(&t, xalloc, xfree);
    CHECK(mdlb_ranges_add(&s, 7, 0x7FF000010010ull, 5000), "add");
    CHECK(mdlb_ranges_overlap(&s, 7, 0x7FF000010000ull, 1), "the page-aligned start is covered");
    CHECK(mdlb_ranges_overlap(&s, 7, 0x7FF000011FFFull, 1), "the last page is covered");
    CHECK(!mdlb_ranges_overlap(&s, 7, 0x7FF000012000ull, 16), "past the last page");
    CHECK(mdlb_ranges_overlap(&s, 7, 0x7FF00000F000ull, 0x1001), "overlapping the start");
    CHECK(mdlb_ranges_overlap(&s, 7, 0x7FF000010000ull, 0), "a zero-length range counts as one byte");
    CHECK(!mdlb_ranges_overlap(&s, 8, 0x7FF000010000ull, 16), "another process's range is not ours");
    m = add(&t, MDLB_OBJ_MDL, 0x7FF000010000ull, 4096, 0, 0);
    CHECK(mdlb_check_probe(&t, get(&t, m), MDLB_USER_MODE, mdlb_ranges_overlap(&s, 7, 0x7FF000010000ull, 4096), 0) ==
              MDLB_REFUSE_RANGE_IN_USER_MAPPING,
          "3.12: a probe over another handle's user mapping of the process");
    CHECK(mdlb_check_probe(&t, get(&t, m), MDLB_USER_MODE, 0, 1) == MDLB_REFUSE_SHARED_HANDLE,
          "section 1: no new lock on a handle found shared");
    CHECK(mdlb_check_allocate_pages(1) == MDLB_REFUSE_SHARED_HANDLE && mdlb_check_allocate_pages(0) == 0,
          "section 1: no page allocation on a handle found shared");
    mdlb_ranges_remove(&s, 7, 0x7FF000010010ull, 5000);
    CHECK(!mdlb_ranges_overlap(&s, 7, 0x7FF000010000ull, 8192) && s.count == 0, "removed");
    for (m = 0; m < 200; m++)
        CHECK(mdlb_ranges_add(&s, m, 0x10000ull * (m + 1), 1), "grows");
    CHECK(mdlb_ranges_overlap(&s, 199, 0x10000ull * 200, 1) && s.count == 200, "keeps every range as it grows");
    mdlb_ranges_destroy(&s);
    mdlb_table_destroy(&t);
}

/* Finding 6: after 2^32 - 1 ids the counter wraps past 0 and past every live id. */
static void test_id_wrap(void)
{
    mdlb_table t;
    mdlb_u32 a, b, c;
    mdlb_table_init(&t, xalloc, xfree);
    a = add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0); /* id 1, still live when the counter comes round */
    b = add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0); /* id 2 */
    t.next_id = 0xFFFFFFFFu;
    c = add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0);
    CHECK(a == 1 && b == 2 && c == 0xFFFFFFFFu, "the last id is used");
    CHECK(add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0) == 3, "then 0, 1 and 2 are skipped: 1 and 2 are live");
    mdlb_table_remove(&t, get(&t, a));
    t.next_id = 0xFFFFFFFFu;
    CHECK(add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0) == 1, "0xFFFFFFFF is live: skipped; 1 is free again");
    mdlb_table_destroy(&t);
}

/* Finding 8: the table's own growth is charged (the driver reserves it before the insert that grows). */
static void test_growth_bytes(void)
{
    mdlb_table t;
    mdlb_u32 i, a;
    mdlb_table_init(&t, xalloc, xfree);
    CHECK(mdlb_table_growth_bytes(&t) == (mdlb_u64)MDLB_TABLE_GROW_SLOTS * MDLB_SLOT_CHARGE, "an empty table grows");
    a = add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0);
    CHECK(mdlb_table_growth_bytes(&t) == 0, "then 63 slots are free");
    for (i = 1; i < MDLB_TABLE_GROW_SLOTS; i++)
        add(&t, MDLB_OBJ_MDL, USER, 1, 0, 0);
    CHECK(mdlb_table_growth_bytes(&t) == (mdlb_u64)MDLB_TABLE_GROW_SLOTS * MDLB_SLOT_CHARGE, "full: grows again");
    mdlb_table_remove(&t, get(&t, a));
    CHECK(mdlb_table_growth_bytes(&t) == 0, "a freed slot is reused first");
    mdlb_table_destroy(&t);
}

/* Driver-owned pages are writable through any mapping not made NoWrite, whatever the lock operation. */
static void test_driver_pages_writable(void)
{
    mdlb_table t;
    mdlb_u32 kb, m, pg;
    mdlb_table_init(&t, xalloc, xfree);
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    m = add(&t, MDLB_OBJ_MDL, KB, 8192, 0, MDLB_ST_LOCKED | MDLB_ST_DRIVER_PAGES | MDLB_ST_SYSADDR);
    CHECK(mdlb_mdl_writable(&t, get(&t, m)), "a KernelMode read lock of a kernel buffer is the driver's pages");
    CHECK(mdlb_driver_pages_of(&t, get(&t, m)) == get(&t, kb), "its pages are the kernel buffer's");
    pg = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    CHECK(mdlb_driver_pages_of(&t, get(&t, pg)) == get(&t, pg), "a page allocation's pages are its own");
    m = add(&t, MDLB_OBJ_MDL, USER, 4096, 0, MDLB_ST_LOCKED);
    CHECK(!mdlb_mdl_writable(&t, get(&t, m)) && mdlb_driver_pages_of(&t, get(&t, m)) == NULL,
          "a read lock of a caller range is neither writable nor the driver's");
    mdlb_table_destroy(&t);
}

void test_table(void)
{
    test_mdl_before_buffer();
    test_partial_keeps_nowrite();
    test_process_ranges();
    test_id_wrap();
    test_driver_pages_writable();
    test_growth_bytes();
    test_ids();
    test_ranges();
    test_probe();
    test_build_map();
    test_unlock_free();
    test_unmap_partial();
    test_transfer();
    test_release_order();
    test_limits();
}
