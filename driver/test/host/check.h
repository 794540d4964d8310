/* check.h - the smallest test harness: CHECK counts, the runner prints "N passed, N failed". */
#ifndef MDLB_CHECK_H
#define MDLB_CHECK_H
#include <stdio.h>
extern int g_passed, g_failed;
#define CHECK(cond, what)                                                                  \
    do {                                                                                   \
        if (cond) {                                                                        \
            g_passed++;                                                                    \
        } else {                                                                           \
            g_failed++;                                                                    \
            printf("FAIL %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond);              \
        }                                                                                  \
    } while (0)
void test_protocol(void);
void test_table(void);
void test_coverage(void);
void test_vectors(const char *dir);
#endif
