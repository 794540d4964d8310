package dev.mdlbridge.simulator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Finding 6: ids are 32 unsigned bits and never name two live objects (twin: test_id_wrap in test_table.c). */
class IdWrapTest {

    private static int add(ObjectTable t) {
        TableObject o = new TableObject(TableObject.Kind.MDL);
        o.va = 0x10000;
        o.length = 1;
        return t.insert(o).id;
    }

    @Test
    void afterTheLastIdTheCounterSkipsZeroAndEveryLiveId() throws Exception {
        ObjectTable t = new ObjectTable();
        int a = add(t);
        int b = add(t);
        t.nextIdForTest(0xFFFF_FFFFL);
        int c = add(t);
        assertEquals(1, a);
        assertEquals(2, b);
        assertEquals(0xFFFF_FFFF, c, "the last id is used (it travels as 32 unsigned bits)");
        assertEquals(3, add(t), "then 0 is skipped, and 1 and 2, which are live");
        t.remove(t.lookup(a, ObjectTable.ANY_MDL));
        t.nextIdForTest(0xFFFF_FFFFL);
        assertEquals(1, add(t), "0xFFFFFFFF is live: skipped; 1 is free again");
    }
}
