/*
 * The DDI-coverage issue's table rules (spec12): kernel-mode and reserved mappings (3.13 refusals and their
 * order), memory types, a pageOffset buffer's block, the release order with reservations, and the
 * administrator limits (clamping and the RAM rule). Every refusal is checked to change nothing.
 */
#include "check.h"
#include "table_fixture.h"

#define KB 0xFFFF900000100000ull
#define USER 0x10000ull
#define RES_VA 0xFFFFF60000000000ull

/* A byte copy of every slot: a refusal must leave the whole table as it was. */
typedef struct snapshot {
    mdlb_obj slots[64];
    mdlb_u32 capacity;
} snapshot;

static void take(const mdlb_table *t, snapshot *s)
{
    memset(s, 0, sizeof(*s));
    s->capacity = t->capacity;
    memcpy(s->slots, t->slots, (t->capacity < 64 ? t->capacity : 64) * sizeof(mdlb_obj));
}

static int unchanged(const mdlb_table *t, const snapshot *s)
{
    return s->capacity == t->capacity &&
           memcmp(s->slots, t->slots, (t->capacity < 64 ? t->capacity : 64) * sizeof(mdlb_obj)) == 0;
}

/* Links a reserved mapping of 'mdl' into 'res' the way ops.c does after the DDI. */
static mdlb_u32 map_reserved(mdlb_table *t, mdlb_u32 res, mdlb_u32 mdl)
{
    mdlb_u32 map = add(t, MDLB_OBJ_RESERVED_MAPPING, RES_VA + 0x10, get(t, mdl)->length, mdl, 0);
    get(t, map)->mapping = res;
    get(t, res)->mapping = map;
    get(t, mdl)->mapping = map;
    get(t, mdl)->state |= MDLB_ST_RESMAP;
    return map;
}

static void test_map_kernel_refusals(void)
{
    mdlb_table t;
    snapshot s;
    mdlb_u32 fresh, locked, empty, built, src, part, inh, mapped, pages;
    mdlb_table_init(&t, xalloc, xfree);
    add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);
    fresh = add(&t, MDLB_OBJ_MDL, USER, 100, 0, 0);
    locked = add(&t, MDLB_OBJ_MDL, USER, 100, 0, MDLB_ST_LOCKED);
    empty = add(&t, MDLB_OBJ_MDL, USER, 0, 0, MDLB_ST_LOCKED);
    built = add(&t, MDLB_OBJ_MDL, KB, 4096, 0, MDLB_ST_NONPAGED);
    src = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, MDLB_ST_LOCKED | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR);
    inh = add(&t, MDLB_OBJ_PARTIAL, USER, 100, src, MDLB_ST_INHERITED | MDLB_ST_SYSADDR);
    part = add(&t, MDLB_OBJ_PARTIAL, KB, 100, built, 0);
    mapped = add(&t, MDLB_OBJ_PARTIAL, USER + 4096, 100, locked, MDLB_ST_SYSMAP | MDLB_ST_SYSADDR);
    pages = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    take(&t, &s);
    CHECK(mdlb_check_map_kernel(&t, get(&t, fresh), 0) == MDLB_REFUSE_MAP_NOT_LOCKED, "3.3 nothing locked");
    CHECK(mdlb_check_map_kernel(&t, get(&t, empty), 0) == MDLB_REFUSE_ZERO_LENGTH, "0 bytes");
    CHECK(mdlb_check_map_kernel(&t, get(&t, empty), 1) == MDLB_REFUSE_ZERO_LENGTH, "zero length before shared");
    CHECK(mdlb_check_map_kernel(&t, get(&t, locked), 1) == MDLB_REFUSE_SHARED_HANDLE, "shared handle");
    CHECK(mdlb_check_map_kernel(&t, get(&t, src), 1) == MDLB_REFUSE_SHARED_HANDLE, "shared before already mapped");
    CHECK(mdlb_check_map_kernel(&t, get(&t, src), 0) == MDLB_REFUSE_ALREADY_MAPPED, "own system mapping");
    CHECK(mdlb_check_map_kernel(&t, get(&t, built), 0) == MDLB_REFUSE_ALREADY_MAPPED, "SOURCE_IS_NONPAGED_POOL");
    CHECK(mdlb_check_map_kernel(&t, get(&t, part), 0) == MDLB_REFUSE_ALREADY_MAPPED,
          "partial of a nonpaged source (IoBuildPartialMdl copies the flag)");
    CHECK(mdlb_check_map_kernel(&t, get(&t, inh), 0) == MDLB_REFUSE_ALREADY_MAPPED, "inherited MappedSystemVa");
    CHECK(mdlb_check_map_kernel(&t, get(&t, mapped), 0) == MDLB_REFUSE_ALREADY_MAPPED, "PARTIAL_HAS_BEEN_MAPPED");
    CHECK(mdlb_check_map_kernel(&t, get(&t, locked), 0) == 0, "locked, unmapped: allowed");
    CHECK(mdlb_check_map_kernel(&t, get(&t, pages), 0) == 0, "page allocation: allowed");
    CHECK(unchanged(&t, &s), "the checks changed nothing");
    mdlb_table_destroy(&t);
}

static void test_reservation_refusals(void)
{
    mdlb_table t;
    snapshot s;
    mdlb_u32 res, small, a, b, map, part, empty;
    mdlb_table_init(&t, xalloc, xfree);
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 8192, 0, 0);
    small = add(&t, MDLB_OBJ_RESERVATION, RES_VA + 0x10000, 4096, 0, 0);
    a = add(&t, MDLB_OBJ_MDL, USER + 0x10, 8000, 0, MDLB_ST_LOCKED); /* spans 2 pages */
    b = add(&t, MDLB_OBJ_MDL, USER + 0xFF0, 4096, 0, MDLB_ST_LOCKED); /* 4096 bytes over 2 pages */
    empty = add(&t, MDLB_OBJ_MDL, USER, 0, 0, MDLB_ST_LOCKED);
    take(&t, &s);
    CHECK(mdlb_check_map_reserved(&t, get(&t, res), get(&t, empty), 0) == MDLB_REFUSE_ZERO_LENGTH, "0 bytes");
    CHECK(mdlb_check_map_reserved(&t, get(&t, small), get(&t, b), 0) == MDLB_REFUSE_RESERVATION_TOO_SMALL,
          "4096 bytes at ByteOffset 0xFF0 span 2 pages: too many for a 1-page reservation");
    CHECK(mdlb_check_map_reserved(&t, get(&t, small), get(&t, b), 1) == MDLB_REFUSE_SHARED_HANDLE,
          "shared before too small");
    CHECK(mdlb_check_map_reserved(&t, get(&t, res), get(&t, a), 0) == 0, "2 pages into 2 pages");
    CHECK(mdlb_check_unmap_reserved(&t, get(&t, res), get(&t, a)) == MDLB_REFUSE_RESERVATION_WRONG_MDL,
          "nothing mapped there");
    CHECK(mdlb_check_free_reservation(get(&t, res)) == 0, "free an unmapped reservation");
    CHECK(unchanged(&t, &s), "refusals changed nothing");

    map = map_reserved(&t, res, a);
    take(&t, &s);
    CHECK(mdlb_check_map_reserved(&t, get(&t, res), get(&t, b), 0) == MDLB_REFUSE_RESERVATION_IN_USE, "in use");
    CHECK(mdlb_check_map_reserved(&t, get(&t, small), get(&t, a), 0) == MDLB_REFUSE_ALREADY_MAPPED,
          "an MDL already mapped through a reservation");
    CHECK(mdlb_check_map_kernel(&t, get(&t, a), 0) == MDLB_REFUSE_ALREADY_MAPPED, "no kernel-mode mapping on top");
    CHECK(mdlb_check_unmap_reserved(&t, get(&t, res), get(&t, b)) == MDLB_REFUSE_RESERVATION_WRONG_MDL,
          "another MDL is mapped there");
    CHECK(mdlb_check_unmap_reserved(&t, get(&t, small), get(&t, a)) == MDLB_REFUSE_RESERVATION_WRONG_MDL,
          "the MDL is mapped into another reservation");
    CHECK(mdlb_check_free_reservation(get(&t, res)) == MDLB_REFUSE_RESERVATION_MAPPED, "free while mapped");
    /* RESERVED_MAPPING_LIVES is the first refusal of unlock, unmap, free and free-pages. */
    CHECK(mdlb_check_unlock(get(&t, a)) == MDLB_REFUSE_RESERVED_MAPPING_LIVES, "unlock");
    CHECK(mdlb_check_unmap_system(get(&t, a)) == MDLB_REFUSE_RESERVED_MAPPING_LIVES, "MmUnmapLockedPages");
    CHECK(mdlb_check_free(get(&t, a), MDLB_FREE_EXFREEPOOL) == MDLB_REFUSE_RESERVED_MAPPING_LIVES,
          "free: before the wrong method and the lock");
    CHECK(mdlb_check_probe(&t, get(&t, a), MDLB_USER_MODE, 0, 0) == MDLB_REFUSE_PROBE_LOCKED, "probe: still locked");
    part = add(&t, MDLB_OBJ_PARTIAL, USER + 0x10, 100, a, MDLB_ST_INHERITED | MDLB_ST_SYSADDR);
    CHECK(get(&t, a)->inheritors == 1, "a partial of a reserved-mapped source inherits");
    take(&t, &s);
    CHECK(mdlb_check_unmap_reserved(&t, get(&t, res), get(&t, a)) == MDLB_REFUSE_UNMAP_INHERITED,
          "3.7 while a partial inherited the mapping");
    CHECK(unchanged(&t, &s), "refusals changed nothing");
    mdlb_table_remove(&t, get(&t, part));
    CHECK(mdlb_check_unmap_reserved(&t, get(&t, res), get(&t, a)) == 0, "the right MDL, no inheritor");
    (void)map;
    mdlb_table_destroy(&t);
}

static void test_reserved_partial_and_pages(void)
{
    mdlb_table t;
    mdlb_u32 res, src, part, pages;
    mdlb_table_init(&t, xalloc, xfree);
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 4096, 0, 0);
    src = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, MDLB_ST_LOCKED);
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 100, src, 0);
    map_reserved(&t, res, part);
    CHECK(mdlb_check_free(get(&t, part), MDLB_FREE_IOFREEMDL) == MDLB_REFUSE_RESERVED_MAPPING_LIVES,
          "IoFreeMdl does not end a partial's reserved mapping");
    CHECK(mdlb_check_unlock(get(&t, part)) == MDLB_REFUSE_RESERVED_MAPPING_LIVES, "before UNLOCK_PARTIAL");
    mdlb_table_destroy(&t);

    mdlb_table_init(&t, xalloc, xfree);
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 4096, 0, 0);
    pages = add(&t, MDLB_OBJ_PAGES, 0, 4096, 0, 0);
    map_reserved(&t, res, pages);
    CHECK(mdlb_check_free_pages(get(&t, pages)) == MDLB_REFUSE_RESERVED_MAPPING_LIVES, "MmFreePagesFromMdl");
    CHECK(mdlb_check_free(get(&t, pages), MDLB_FREE_EXFREEPOOL) == MDLB_REFUSE_RESERVED_MAPPING_LIVES,
          "before FREE_PAGES_FIRST");
    mdlb_table_destroy(&t);
}

static void test_cache_types(void)
{
    mdlb_obj m;
    memset(&m, 0, sizeof(m));
    m.kind = MDLB_OBJ_PAGES;
    m.cache_type = MDLB_MM_WRITE_COMBINED;
    CHECK(mdlb_check_cache_type(&m, MDLB_MM_CACHED) == MDLB_PARAM_CACHE_TYPE,
          "MmGetSystemAddressForMdlSafe (cached) of write-combined pages");
    CHECK(mdlb_check_cache_type(&m, MDLB_MM_NON_CACHED) == MDLB_PARAM_CACHE_TYPE, "another type");
    CHECK(mdlb_check_cache_type(&m, MDLB_MM_WRITE_COMBINED) == 0, "the pages' own type");
    m.cache_type = MDLB_MM_CACHED;
    CHECK(mdlb_check_cache_type(&m, MDLB_MM_CACHED) == 0, "cached pages, cached mapping");
}

static void test_page_offset_block(void)
{
    mdlb_table t;
    mdlb_u32 kb, m;
    mdlb_table_init(&t, xalloc, xfree);
    /* POOL_ALLOCATE(size 100, pageOffset 0x40): the buffer is [KB + 0x40, KB + 0xA4) of a one-page block. */
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB + 0x40, 100, 0, 0);
    CHECK(mdlb_table_kernel_range(&t, KB + 0x40, 100) != NULL, "the buffer is a kernel-buffer range");
    CHECK(mdlb_table_kernel_range(&t, KB + 0x3F, 2) == NULL, "a byte before the buffer is not");
    CHECK(mdlb_table_kernel_range(&t, KB + 0x40, 101) == NULL, "a byte past it is not");
    m = add(&t, MDLB_OBJ_MDL, KB + 0x800, 16, 0, 0);
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == MDLB_REFUSE_POOL_IN_USE,
          "an MDL over the block outside the buffer still holds the block");
    mdlb_table_remove(&t, get(&t, m));
    m = add(&t, MDLB_OBJ_MDL, KB + 0x1000, 16, 0, 0);
    CHECK(mdlb_check_pool_free(&t, get(&t, kb)) == 0, "the next page is not the block's");
    (void)m;
    mdlb_table_destroy(&t);
}

static void test_release_order_with_reservations(void)
{
    mdlb_table t;
    mdlb_obj *o;
    int phase, n = 0;
    mdlb_u32 got[32], phases[32];
    mdlb_u32 kb, res, a, b, kmap, part, res2;
    mdlb_table_init(&t, xalloc, xfree);
    kb = add(&t, MDLB_OBJ_KERNEL_BUFFER, KB, 8192, 0, 0);                                        /* 1 */
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 8192, 0, 0);                                     /* 2 */
    a = add(&t, MDLB_OBJ_MDL, KB, 4096, 0, MDLB_ST_LOCKED | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR);    /* 3 */
    kmap = add(&t, MDLB_OBJ_KERNEL_MAPPING, 0xFFFF800000000000ull, 4096, a, 0);                   /* 4 */
    get(&t, a)->mapping = kmap;
    b = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, MDLB_ST_LOCKED);                                   /* 5 */
    map_reserved(&t, res, b);                                                                   /* 6 */
    res2 = add(&t, MDLB_OBJ_RESERVATION, RES_VA + 0x10000, 4096, 0, 0);                          /* 7 */
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 100, b, 0);                                          /* 8 */
    map_reserved(&t, res2, part);                                                               /* 9 */
    add(&t, MDLB_OBJ_USER_MAPPING, 0x7FF000000000ull, 10, b, 0);                                 /* 10 */
    (void)kb;
    /* The driver's release loop, with each step's effect on the table as ops.c has it. */
    while ((o = mdlb_table_next_release(&t, &phase)) != NULL && n < 32) {
        got[n] = o->id;
        phases[n++] = (mdlb_u32)phase;
        if (o->kind == MDLB_OBJ_RESERVED_MAPPING || (o->state & MDLB_ST_RESMAP)) {
            mdlb_obj *map = o->kind == MDLB_OBJ_RESERVED_MAPPING ? o : get(&t, o->mapping);
            mdlb_obj *mdl = get(&t, map->parent);
            get(&t, map->mapping)->mapping = 0;
            mdl->state &= ~MDLB_ST_RESMAP;
            mdl->mapping = 0;
            mdlb_table_remove(&t, map);
            if (o != map && o->kind == MDLB_OBJ_PARTIAL)
                mdlb_table_remove(&t, o);
        } else if (o->kind == MDLB_OBJ_KERNEL_MAPPING || phase == MDLB_REL_SYSTEM_MAPPING) {
            mdlb_obj *mdl = o->kind == MDLB_OBJ_KERNEL_MAPPING ? get(&t, o->parent) : o;
            if (mdl->mapping)
                mdlb_table_remove(&t, get(&t, mdl->mapping));
            mdl->mapping = 0;
            mdl->state &= ~(MDLB_ST_SYSMAP | MDLB_ST_SYSADDR);
        } else if (phase == MDLB_REL_UNLOCK) {
            o->state &= ~MDLB_ST_LOCKED;
        } else {
            mdlb_table_remove(&t, o);
        }
    }
    /* user mapping 10; the partial 8 with its reserved mapping 9 (phase 2, MmUnmapReservedMapping first);
     * system mappings 3 (which ends 4) and 6; unlocks 3, 5; MDL frees 3, 5; reservations 2, 7; buffer 1. */
    CHECK(n == 11, "eleven release steps");
    CHECK(got[0] == 10 && phases[0] == MDLB_REL_USER_MAPPING, "user mapping first");
    CHECK(got[1] == 8 && phases[1] == MDLB_REL_PARTIAL, "the reserved-mapped partial");
    CHECK(got[2] == 3 && phases[2] == MDLB_REL_SYSTEM_MAPPING, "the kernel-mode mapping, by its MDL (lowest id)");
    CHECK(got[3] == 6 && phases[3] == MDLB_REL_SYSTEM_MAPPING, "the reserved mapping");
    CHECK(got[4] == 3 && phases[4] == MDLB_REL_UNLOCK && got[5] == 5 && phases[5] == MDLB_REL_UNLOCK, "unlocks");
    CHECK(got[6] == 3 && got[7] == 5 && phases[7] == MDLB_REL_FREE_MDL, "MDL frees");
    CHECK(got[8] == 2 && got[9] == 7 && phases[8] == MDLB_REL_RESERVATION && phases[9] == MDLB_REL_RESERVATION,
          "reservations after every MDL, lowest id first");
    CHECK(got[10] == 1 && phases[10] == MDLB_REL_KERNEL_BUFFER, "kernel buffers last");
    CHECK(mdlb_table_next_release(&t, &phase) == NULL, "drained");
    (void)res;
    (void)res2;
    mdlb_table_destroy(&t);
}

/* OutstandingMappings of a release (spec12 "Counters": kernel-mode and reserved mapping objects count). The
 * partial step ends a reserved-mapped partial's mapping itself (MmUnmapReservedMapping before IoFreeMdl), so it
 * must count it there: the mapping object is gone before the system-mapping phase. */
static void test_release_mappings_count(void)
{
    mdlb_table t;
    mdlb_u32 res, b, part, kpart, kmap, n = 0;
    mdlb_obj *o;
    int phase;
    mdlb_table_init(&t, xalloc, xfree);
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 8192, 0, 0);                                     /* 1 */
    b = add(&t, MDLB_OBJ_MDL, USER, 8192, 0, MDLB_ST_LOCKED);                                   /* 2 */
    part = add(&t, MDLB_OBJ_PARTIAL, USER, 100, b, 0);                                          /* 3 */
    map_reserved(&t, res, part);                                                                /* 4 */
    kpart = add(&t, MDLB_OBJ_PARTIAL, USER + 4096, 100, b, MDLB_ST_SYSMAP | MDLB_ST_SYSADDR);   /* 5 */
    kmap = add(&t, MDLB_OBJ_KERNEL_MAPPING, 0xFFFF800000000000ull, 100, kpart, 0);               /* 6 */
    get(&t, kpart)->mapping = kmap;
    CHECK(mdlb_release_mappings(get(&t, part), MDLB_REL_PARTIAL) == 1, "a reserved-mapped partial: its mapping");
    CHECK(mdlb_release_mappings(get(&t, kpart), MDLB_REL_PARTIAL) == 1, "a kernel-mode-mapped partial: one");
    CHECK(mdlb_release_mappings(get(&t, b), MDLB_REL_UNLOCK) == 0, "an unlock ends no mapping of its own");
    CHECK(mdlb_release_mappings(get(&t, kmap), MDLB_REL_SYSTEM_MAPPING) == 1, "a system-mapping step: one");
    CHECK(mdlb_release_mappings(get(&t, res), MDLB_REL_RESERVATION) == 0, "a reservation is no mapping");
    /* The whole drain, with ops.c's effects: two mappings (4 and 6) end, each counted once. */
    while ((o = mdlb_table_next_release(&t, &phase)) != NULL) {
        n += mdlb_release_mappings(o, phase);
        if (phase == MDLB_REL_PARTIAL) {
            if (o->state & MDLB_ST_RESMAP) {
                get(&t, res)->mapping = 0;
                mdlb_table_remove(&t, get(&t, o->mapping));
            }
            if (o->state & MDLB_ST_SYSMAP)
                mdlb_table_remove(&t, get(&t, o->mapping));
            mdlb_table_remove(&t, o);
        } else if (phase == MDLB_REL_UNLOCK) {
            o->state &= ~MDLB_ST_LOCKED;
        } else {
            mdlb_table_remove(&t, o);
        }
    }
    CHECK(n == 2, "RELEASE_ALL reports both mappings");
    mdlb_table_destroy(&t);
}

/* After MAP_RESERVED the MDL has no system address of its own: a transfer by MdlId is MAPPING_ENDED until
 * MAP_SYSTEM hands the reservation's base out (MDLB_ST_SYSADDR); through the mapping object it goes. */
static void test_transfer_after_map_reserved(void)
{
    mdlb_table t;
    mdlb_u32 res, mdl, map;
    mdlb_table_init(&t, xalloc, xfree);
    res = add(&t, MDLB_OBJ_RESERVATION, RES_VA, 4096, 0, 0);
    mdl = add(&t, MDLB_OBJ_MDL, USER + 0x160, 0x100, 0, MDLB_ST_LOCKED);
    map = map_reserved(&t, res, mdl);
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, mdl), 0, 0, 1) == MDLB_REFUSE_MAPPING_ENDED,
          "by MdlId: no system address yet");
    CHECK(mdlb_check_transfer(&t, get(&t, map), get(&t, mdl), 0, 0, 1) == 0, "through the reserved mapping");
    CHECK(mdlb_check_transfer(&t, get(&t, map), get(&t, mdl), 1, 0, 1) == MDLB_REFUSE_WRITE_NOT_ALLOWED,
          "a write follows the MDL's lock (read access), never NoWrite");
    get(&t, mdl)->state |= MDLB_ST_SYSADDR; /* what MAP_SYSTEM does to a mapped MDL ('had': no new mapping) */
    CHECK(mdlb_check_transfer(&t, NULL, get(&t, mdl), 0, 0, 1) == 0, "by MdlId after MAP_SYSTEM");
    mdlb_table_destroy(&t);
}

static mdlb_u64 ram_gib(mdlb_u64 g) { return g << 30; }

static void test_limits_configure(void)
{
    mdlb_limit_config c;
    mdlb_limits_in_force f;
    mdlb_limits hl, dl;
    /* Zeroed first: the memcmp below also compares the padding after mdlb_limits.objects, which
     * mdlb_default_limits does not write (mdlb_limits_configure memsets its output). */
    memset(&hl, 0, sizeof(hl));
    memset(&dl, 0, sizeof(dl));
    mdlb_default_limits(&hl, &dl);

    memset(&c, 0, sizeof(c));
    mdlb_limits_configure(&c, ram_gib(16), &f);
    CHECK(memcmp(&f.handle, &hl, sizeof(hl)) == 0 && memcmp(&f.driver, &dl, sizeof(dl)) == 0 &&
              f.max_handles == MDLB_LIMIT_DRIVER_HANDLES && f.configured == 0 && f.clamped == 0,
          "nothing configured: the defaults, no bit");

    /* In range: taken as is. */
    c.present = (1u << MDLB_LIMIT_NAME_MAX_OBJECTS) | (1u << MDLB_LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES) | (1u << MDLB_LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES);
    c.value[MDLB_LIMIT_NAME_MAX_OBJECTS] = 100;
    c.value[MDLB_LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES] = 0x80000000ull;
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES] = 7;
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES] = 0x100000;
    mdlb_limits_configure(&c, ram_gib(16), &f);
    CHECK(f.handle.objects == 100 && f.handle.page_bytes == 0x80000000ull && f.max_handles == 7 &&
              f.driver.system_mapping_bytes == 0x100000, "in-range values are in force");
    CHECK(f.configured == c.present && f.clamped == 0, "configured bits, nothing clamped");
    CHECK(f.handle.locked_bytes == MDLB_LIMIT_HANDLE_LOCKED_BYTES && f.driver.objects == MDLB_LIMIT_DRIVER_OBJECTS,
          "the others keep their defaults");

    /* Out of range: clamped to the nearest end. */
    memset(&c, 0, sizeof(c));
    c.present = (1u << MDLB_LIMIT_NAME_MAX_OBJECTS) | (1u << MDLB_LIMIT_NAME_MAX_MDL_POOL_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES) | (1u << MDLB_LIMIT_NAME_DRIVER_MAX_OBJECTS);
    c.value[MDLB_LIMIT_NAME_MAX_OBJECTS] = 0;
    c.value[MDLB_LIMIT_NAME_MAX_MDL_POOL_BYTES] = ~0ull;
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES] = 0x100000000ull;
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_OBJECTS] = 16;
    mdlb_limits_configure(&c, ram_gib(16), &f);
    CHECK(f.handle.objects == 16, "maxObjects 0 -> 16");
    CHECK(f.handle.pool_bytes == 0x10000000ull, "maxMdlPoolBytes 2^64-1 -> 256 MiB");
    CHECK(f.max_handles == 4096, "driverMaxHandles 2^32 -> 4096 (no truncation to 0)");
    CHECK(f.driver.objects == 16, "driverMaxObjects 16: the minimum itself is in range");
    CHECK(f.clamped == ((1u << MDLB_LIMIT_NAME_MAX_OBJECTS) | (1u << MDLB_LIMIT_NAME_MAX_MDL_POOL_BYTES) |
                        (1u << MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES)), "clamped bits name exactly the three");

    /* The RAM rule: 16 GiB of RAM, half is 8 GiB. Locked 200 GiB configured, page allocations and kernel buffers at
     * their defaults (256 MiB each): locked is lowered to 8 GiB - 512 MiB; the defaults stay. */
    memset(&c, 0, sizeof(c));
    c.present = 1u << MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES;
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES] = ram_gib(200);
    mdlb_limits_configure(&c, ram_gib(16), &f);
    CHECK(f.driver.locked_bytes == ram_gib(8) - 0x20000000ull, "locked lowered to fit half the RAM");
    CHECK(f.driver.page_bytes == MDLB_LIMIT_DRIVER_PAGE_ALLOC_BYTES &&
              f.driver.kernel_buffer_bytes == MDLB_LIMIT_DRIVER_KERNEL_BUFFER_BYTES, "defaults never lowered");
    CHECK(f.clamped == (1u << MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES), "locked reported clamped");

    /* All three configured high: locked goes to its minimum first, then page allocations, then buffers. */
    memset(&c, 0, sizeof(c));
    c.present = (1u << MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES] = ram_gib(4);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES] = ram_gib(4);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES] = ram_gib(4);
    mdlb_limits_configure(&c, ram_gib(4), &f); /* half: 2 GiB */
    /* 12 GiB against 2 GiB: locked -4 GiB + 1 MiB, page allocations -4 GiB + 64 KiB, buffers the last 2 GiB + 1 MiB + 64 KiB. */
    CHECK(f.driver.locked_bytes == 0x100000, "locked down to its 1 MiB minimum");
    CHECK(f.driver.page_bytes == 0x10000, "then page allocations down to their 64 KiB minimum");
    CHECK(f.driver.kernel_buffer_bytes == ram_gib(2) - 0x100000 - 0x10000, "then kernel buffers, as far as needed");
    CHECK(f.driver.locked_bytes + f.driver.page_bytes + f.driver.kernel_buffer_bytes == ram_gib(2),
          "exactly half: lowered no further than needed");
    CHECK(f.clamped == c.present, "all three reported clamped");

    /* A tiny machine where even the minimums do not fit: never below a minimum. */
    memset(&c, 0, sizeof(c));
    c.present = (1u << MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES) |
                (1u << MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES] = ram_gib(1);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES] = ram_gib(1);
    c.value[MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES] = ram_gib(1);
    mdlb_limits_configure(&c, 0x100000, &f);
    CHECK(f.driver.locked_bytes == 0x100000 && f.driver.page_bytes == 0x10000 && f.driver.kernel_buffer_bytes == 0x10000,
          "each at its minimum");
    mdlb_limits_configure(&c, 0, &f);
    CHECK(f.driver.locked_bytes == ram_gib(1) && f.clamped == 0, "RAM unknown (0): no RAM rule");
}

void test_coverage(void)
{
    test_map_kernel_refusals();
    test_reservation_refusals();
    test_reserved_partial_and_pages();
    test_cache_types();
    test_page_offset_block();
    test_release_order_with_reservations();
    test_release_mappings_count();
    test_transfer_after_map_reserved();
    test_limits_configure();
}
