/* Host tests of driver/src/protocol.c and table.c, plus every vector file in driver/test/vectors. */
#include "check.h"
int g_passed, g_failed;
int main(int argc, char **argv)
{
    test_protocol();
    test_table();
    test_coverage();
    test_vectors(argc > 1 ? argv[1] : "driver/test/vectors");
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
