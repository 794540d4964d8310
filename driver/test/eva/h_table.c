/*
 * h_table.c - the object table (table.c) under any sequence of MDLB_EVA_STEPS actions: each step picks any
 * action of the switch in STEP() with any arguments (any object ids, kinds, states, addresses,
 * lengths; objects found by a lookup of any id). The allocator is Eva's malloc/free behind a stub that fails
 * (NULL) once its budget is spent (0..3 successful allocations, or never), and Eva reports any access to a
 * freed block. The loop is unrolled, so the proof covers every sequence of
 * at most MDLB_EVA_STEPS actions (action 0 does nothing) from an empty table.
 *
 * To cover a new table function: add one case to STEP() calling it with any_*() arguments (or an object from
 * any_obj()), and raise MDLB_EVA_ACTIONS. run.sh then fails if the new case is never reached.
 */
#include "eva_common.h"
#include "table.h"
#include <stdlib.h>

/* Successful allocations at most: the budget is 0..MDLB_EVA_ALLOCS. */
#ifndef MDLB_EVA_ALLOCS
#define MDLB_EVA_ALLOCS 1
#endif
#ifndef MDLB_EVA_STEPS
#define MDLB_EVA_STEPS 8
#endif

/* How many allocations succeed before the allocator fails (split in main: 0..3, or never). Eva's own
 * "malloc may return NULL" would merge a failed grow with a successful one (slot array and capacity from
 * different outcomes) and report the mix; a budget fixed per state fails at every point without that. */
static unsigned alloc_budget;

static void *stub_alloc(size_t bytes)
{
    if (alloc_budget == 0)
        return NULL;
    alloc_budget--;
    return malloc(bytes);
}

static void stub_free(void *p)
{
    free(p);
}

static void any_proto(mdlb_obj *o)
{
    Frama_C_make_unknown((char *)o, sizeof(*o));
    o->kind = Frama_C_unsigned_int_interval(MDLB_OBJ_MDL, MDLB_OBJ_KERNEL_BUFFER);
    o->k_object = NULL;
    o->k_extra = NULL;
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

#define MDLB_EVA_ACTIONS 25

/* One step: the action's number selects a case. A macro, not a function, because Eva merges a callee's
 * states when it returns: here each action stays its own state until the loop head re-splits by table size. */
#define STEP(t, action)                                                                                        \
    do {                                                                                                       \
    mdlb_obj proto, *o, *m;                                                                                    \
    mdlb_u32 eff;                                                                                              \
    int phase;                                                                                                 \
    switch (action) {                                                                                          \
    case 0: break;                                                                                             \
    case 1: any_proto(&proto); (void)mdlb_table_insert(t, &proto); break;                                      \
    case 2: o = any_obj(t); if (o) mdlb_table_remove(t, o); break;                                             \
    case 3: (void)mdlb_table_kernel_range(t, any_u64(), any_u64()); break;                                     \
    case 4: (void)mdlb_table_kernel_overlap(t, any_u64(), any_u64()); break;                                   \
    case 5: (void)mdlb_table_in_user_mapping(t, any_u64(), any_u64()); break;                                  \
    case 6: (void)mdlb_table_next_release(t, &phase); break;                                                   \
    case 7: o = any_obj(t); if (o) (void)mdlb_check_probe(t, o, any_u32()); break;                             \
    case 8: o = any_obj(t); if (o) (void)mdlb_check_build_nonpaged(t, o); break;                               \
    case 9: o = any_obj(t); if (o) (void)mdlb_check_map(t, o, any_bool(), any_bool()); break;                  \
    case 10: o = any_obj(t); if (o) (void)mdlb_check_unlock(o); break;                                         \
    case 11: o = any_obj(t); if (o) (void)mdlb_check_free(o, any_u32()); break;                                \
    case 12: o = any_obj(t); if (o) (void)mdlb_check_free_pages(o); break;                                     \
    case 13: o = any_obj(t); if (o) (void)mdlb_check_unmap_system(o); break;                                   \
    case 14: o = any_obj(t); if (o) (void)mdlb_check_partial(t, o, any_u64(), any_u32(), &eff); break;         \
    case 15: o = any_obj(t); if (o) (void)mdlb_check_pool_free(o); break;                                      \
    case 16:                                                                                                   \
        o = any_bool() ? NULL : any_obj(t);                                                                    \
        m = any_obj(t);                                                                                        \
        if (m)                                                                                                 \
            (void)mdlb_check_transfer(t, o, m, any_bool(), any_u32(), any_u32());                              \
        break;                                                                                                 \
    case 17: o = any_obj(t); if (o) (void)mdlb_mdl_writable(t, o); break;                                      \
    case 18: o = any_obj(t); if (o) (void)mdlb_mdl_has_pages(t, o); break;                                     \
    case 19: o = any_obj(t); if (o) (void)mdlb_obj_is_mdl(o); break;                                           \
    case 20: o = any_obj(t); if (o) o->state = any_u32(); break; /* the driver sets state bits as DDIs run */  \
    case 21: mdlb_table_destroy(t); mdlb_table_init(t, stub_alloc, stub_free); break; /* release, then reuse */ \
    case 22: {                                                                                                 \
        mdlb_use h, d, a;                                                                                      \
        mdlb_limits hl, dl;                                                                                    \
        any_use(&h); any_use(&d); any_use(&a); any_limits(&hl); any_limits(&dl);                               \
        (void)mdlb_limit_check(&h, &hl, &d, &dl, &a);                                                          \
        break;                                                                                                 \
    }                                                                                                          \
    case 23: { mdlb_use u, d; any_use(&u); any_use(&d); mdlb_use_add(&u, &d); mdlb_use_sub(&u, &d); break; }   \
    case 24: { mdlb_limits hl, dl; mdlb_default_limits(&hl, &dl); break; }                                     \
    default: break;                                                                                            \
    }                                                                                                          \
    } while (0)

int main(void)
{
    mdlb_table t;
    int i;
    alloc_budget = Frama_C_unsigned_int_interval(0, MDLB_EVA_ALLOCS);
    //@ split alloc_budget;
    mdlb_table_init(&t, stub_alloc, stub_free);
    //@ loop unroll MDLB_EVA_STEPS;
    for (i = 0; i < MDLB_EVA_STEPS; i++) {
        /* One state per table size: each has its own slot array, and Eva must not mix their bounds. */
        int action = Frama_C_interval(0, MDLB_EVA_ACTIONS - 1);
        //@ split t.capacity;
        //@ split action;
        STEP(&t, action);
    }
    mdlb_table_destroy(&t);
    return 0;
}
