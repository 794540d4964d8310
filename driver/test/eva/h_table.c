/*
 * h_table.c - table.c under every sequence of actions, of any length. Three entry points (run.sh analyses each
 * with -main):
 *
 * eva_table: one object table, then a loop that runs any number of steps (no unrolling: Eva computes the
 *   fixpoint, so every sequence of any length is covered); each step is any action of STEP() with any
 *   arguments (any ids, kinds, states, addresses, lengths; objects found by a lookup of any id). Ids come
 *   from the table's own counter (which reaches every value, the wrap included) or from a driver-wide counter
 *   that returns any u32 (0 and live ids included).
 * eva_ranges: one process-wide range set under any sequence of add / remove / overlap / destroy+init.
 * eva_rules: the functions of one object or none (limits, use, refusals on any object), every argument any value.
 *
 * Allocation: stub_alloc succeeds at most MDLB_EVA_ALLOCS times in a run (the budget is any of 0..that, fixed
 * per state) and then fails, so a table or range set holds 0, 64 or 128 slots (MDLB_TABLE_GROW_SLOTS each
 * growth). The blocks are Eva's malloc: exactly the requested size (a read or write past the capacity is an
 * alarm), and a use after free is an alarm. run.sh partitions the states by the allocator's counters
 * (-eva-partition-value), so a state where an insert grew the table is never merged with one where it did
 * not: the slot array and the capacity always come from the same outcome.
 */
#include "eva_common.h"
#include "table.h"
#include <stdlib.h>

/* Successful allocations at most in one run. */
#ifndef MDLB_EVA_ALLOCS
#define MDLB_EVA_ALLOCS 2
#endif
#if MDLB_EVA_ALLOCS != 2
#error stub_alloc has call sites for two allocations
#endif

/* The allocator's counters: run.sh partitions every state by their values (-eva-partition-value). */
int eva_allocs_left; /* successful allocations still allowed */
int eva_allocs_done; /* successful allocations so far */
int eva_blocks_live; /* blocks allocated and not freed */
int eva_last_site;   /* the call site of the last successful allocation: which block the newest pointer names */

/* Eva gives each call site of malloc (per call stack) one base, and a base's size is a property of the base,
 * not of a state; a second allocation at the same site would also make the base weak (a merge of both blocks).
 * So each (allocation number, size) has its own call site: every block is a strong base of exactly the
 * requested size, whatever the state. */
#define EVA_BLOCK(site, slots, type)                                                                           \
    if (bytes == (slots) * sizeof(type)) {                                                                     \
        eva_last_site = (site);                                                                                \
        return malloc((slots) * sizeof(type));                                                                 \
    }

static void *stub_alloc(size_t bytes)
{
    int n = eva_allocs_done;
    if (eva_allocs_left == 0)
        return NULL;
    eva_allocs_left--;
    eva_allocs_done++;
    eva_blocks_live++;
    if (n == 0) {
        EVA_BLOCK(1, 64u, mdlb_obj);
        EVA_BLOCK(2, 64u, mdlb_user_range);
    } else if (n == 1) {
        EVA_BLOCK(3, 64u, mdlb_obj);
        EVA_BLOCK(4, 128u, mdlb_obj);
        EVA_BLOCK(5, 64u, mdlb_user_range);
        EVA_BLOCK(6, 128u, mdlb_user_range);
    }
    return NULL; /* no other size is asked for within MDLB_EVA_ALLOCS = 2 (the analysis would show it dead) */
}

static void stub_free(void *p)
{
    eva_blocks_live--;
    free(p);
}

/* The driver-wide id counter as one table sees it: other handles draw from it too, so any value. */
static mdlb_u32 any_id(void)
{
    return any_u32();
}

static void any_obj_value(mdlb_obj *o)
{
    Frama_C_make_unknown((char *)o, sizeof(*o));
    o->k_object = NULL;
    o->k_extra = NULL;
}

static void any_proto(mdlb_obj *o)
{
    any_obj_value(o);
    o->kind = Frama_C_unsigned_int_interval(MDLB_OBJ_MDL, MDLB_OBJ_RESERVED_MAPPING);
}

static void any_use(mdlb_use *u)
{
    Frama_C_make_unknown((char *)u, sizeof(*u));
}

static void any_limits(mdlb_limits *l)
{
    Frama_C_make_unknown((char *)l, sizeof(*l));
}

/* An object of the table found by any id and any kind mask, or NULL. */
static mdlb_obj *any_obj(mdlb_table *t)
{
    mdlb_obj *o = NULL;
    (void)mdlb_table_lookup(t, any_u32(), any_u32(), &o);
    return o;
}

#define MDLB_EVA_ACTIONS 26

/* One step. A macro rather than a function: the cases stay in eva_table's own states. */
#define STEP(t, action)                                                                                        \
    do {                                                                                                       \
    mdlb_obj proto, *o, *m;                                                                                    \
    mdlb_u32 eff;                                                                                              \
    int phase;                                                                                                 \
    switch (action) {                                                                                          \
    case 0: any_proto(&proto); (void)mdlb_table_insert(t, &proto); break;                                      \
    case 1: o = any_obj(t); if (o) mdlb_table_remove(t, o); break;                                             \
    case 2: (void)mdlb_table_growth_bytes(t); break;                                                           \
    case 3: (void)mdlb_table_kernel_range(t, any_u64(), any_u64()); break;                                     \
    case 4: (void)mdlb_table_in_user_mapping(t, any_u64(), any_u64()); break;                                  \
    case 5: (void)mdlb_table_next_release(t, &phase); break;                                                   \
    case 6: o = any_obj(t); if (o) (void)mdlb_check_probe(t, o, any_u32(), any_bool(), any_bool()); break;     \
    case 7: o = any_obj(t); if (o) (void)mdlb_check_build_nonpaged(t, o); break;                               \
    case 8: o = any_obj(t); if (o) (void)mdlb_check_map(t, o, any_bool(), any_bool()); break;                  \
    case 9: o = any_obj(t); if (o) (void)mdlb_partial_state(o, any_bool()); break;                             \
    case 10: o = any_obj(t); if (o) (void)mdlb_driver_pages_of(t, o); break;                                   \
    case 11: o = any_obj(t); if (o) (void)mdlb_check_partial(t, o, any_u64(), any_u32(), &eff); break;         \
    case 12: o = any_obj(t); if (o) (void)mdlb_check_pool_free(t, o); break;                                   \
    case 13:                                                                                                   \
        o = any_bool() ? NULL : any_obj(t);                                                                    \
        m = any_obj(t);                                                                                        \
        if (m)                                                                                                 \
            (void)mdlb_check_transfer(t, o, m, any_bool(), any_u32(), any_u32());                              \
        break;                                                                                                 \
    case 14: o = any_obj(t); if (o) (void)mdlb_mdl_writable(t, o); break;                                      \
    case 15: o = any_obj(t); if (o) (void)mdlb_mdl_has_pages(t, o); break;                                     \
    case 16: o = any_obj(t); if (o) o->state = any_u32(); break; /* the driver sets state bits as DDIs run */  \
    case 17: o = any_obj(t); if (o) o->va = any_u64(); break;    /* and records addresses */                   \
    case 18: o = any_obj(t); if (o) o->length = any_u64(); break;                                              \
    case 19: o = any_obj(t); if (o) o->nowrite = any_u32(); break;                                             \
    case 21: o = any_obj(t); if (o) (void)mdlb_check_map_kernel(t, o, any_bool()); break;                     \
    case 22:                                                                                                   \
        o = any_obj(t);                                                                                        \
        m = any_obj(t);                                                                                        \
        if (o && m)                                                                                            \
            (void)mdlb_check_map_reserved(t, o, m, any_bool());                                                \
        break;                                                                                                 \
    case 23:                                                                                                   \
        o = any_obj(t);                                                                                        \
        m = any_obj(t);                                                                                        \
        if (o && m)                                                                                            \
            (void)mdlb_check_unmap_reserved(t, o, m);                                                          \
        break;                                                                                                 \
    case 24: o = any_obj(t); if (o) o->mapping = any_u32(); break; /* the links the driver keeps */            \
    case 25: o = any_obj(t); if (o) (void)mdlb_release_mappings(o, (int)any_u32()); break;                    \
    case 20: /* release, then reuse */                                                                         \
        mdlb_table_destroy(t);                                                                                 \
        mdlb_table_init(t, stub_alloc, stub_free);                                                             \
        if (any_bool())                                                                                        \
            (t)->next_id_fn = any_id;                                                                          \
        break;                                                                                                 \
    default: break;                                                                                            \
    }                                                                                                          \
    } while (0)

void eva_table(void)
{
    mdlb_table t;
    eva_allocs_left = Frama_C_interval(0, MDLB_EVA_ALLOCS);
    eva_allocs_done = 0;
    eva_blocks_live = 0;
    eva_last_site = 0;
    mdlb_table_init(&t, stub_alloc, stub_free);
    if (any_bool())
        t.next_id_fn = any_id;
    while (any_bool()) {
        int action = Frama_C_interval(0, MDLB_EVA_ACTIONS - 1);
        //@ split t.capacity;
        STEP(&t, action);
    }
    mdlb_table_destroy(&t);
}

void eva_ranges(void)
{
    mdlb_range_set s;
    eva_allocs_left = Frama_C_interval(0, MDLB_EVA_ALLOCS);
    eva_allocs_done = 0;
    eva_blocks_live = 0;
    eva_last_site = 0;
    mdlb_ranges_init(&s, stub_alloc, stub_free);
    /*@ widen_hints s.count, 64, 128; */
    while (any_bool()) {
        int action = Frama_C_interval(0, 3);
        //@ split s.capacity;
        switch (action) {
        case 0: (void)mdlb_ranges_add(&s, any_u64(), any_u64(), any_u64()); break;
        case 1: mdlb_ranges_remove(&s, any_u64(), any_u64(), any_u64()); break;
        case 2: (void)mdlb_ranges_overlap(&s, any_u64(), any_u64(), any_u64()); break;
        default: mdlb_ranges_destroy(&s); mdlb_ranges_init(&s, stub_alloc, stub_free); break;
        }
    }
    mdlb_ranges_destroy(&s);
}

void eva_rules(void)
{
    mdlb_limit_config cfg;
    mdlb_limits_in_force f;
    mdlb_obj o;
    mdlb_use h, d, a;
    mdlb_limits hl, dl;
    any_obj_value(&o);
    (void)mdlb_obj_is_mdl(&o);
    (void)mdlb_check_unlock(&o);
    (void)mdlb_check_free(&o, any_u32());
    (void)mdlb_check_free_pages(&o);
    (void)mdlb_check_unmap_system(&o);
    (void)mdlb_check_allocate_pages(any_bool());
    (void)mdlb_check_free_reservation(&o);
    (void)mdlb_check_cache_type(&o, any_u32());
    Frama_C_make_unknown((char *)&cfg, sizeof(cfg));
    mdlb_limits_configure(&cfg, any_u64(), &f);
    any_use(&h); any_use(&d); any_use(&a); any_limits(&hl); any_limits(&dl);
    (void)mdlb_limit_check(&h, &hl, &d, &dl, &a);
    mdlb_use_add(&h, &a);
    mdlb_use_sub(&h, &a);
    mdlb_default_limits(&hl, &dl);
    (void)mdlb_limit_check(&h, &hl, &d, &dl, &a);
}
