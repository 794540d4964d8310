package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Section 3.13 as a model: random locks and unlocks of overlapping MDLs over one buffer. After every step each
 * page's lock count equals the number of locked MDLs covering it, NumberOfLockedPages equals the sum of their
 * spans, and a locked MDL's PFN for a page is that page's frame (rule: two MDLs on one page see one PFN).
 */
class LockAccountingTest {

    private record Locked(Mdl mdl, int firstPage, int pages) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void countsMatchTheModel(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withSeed(seed));
        int bufferPages = 12;
        long base = m.buffer(bufferPages * 4096L);
        long[] frameOf = new long[bufferPages];
        List<Locked> locked = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            if (locked.isEmpty() || r.nextInt(3) != 0) {
                int offset = r.nextInt(bufferPages * 4096 - 1);
                int length = r.nextInt(1, bufferPages * 4096 - offset);
                Mdl mdl = m.locked(base + offset, length, r.nextInt(3));
                int first = offset >>> 12;
                int pages = (offset + length + 0xFFF) / 4096 - first;
                for (int i = 0; i < pages; i++) {
                    if (frameOf[first + i] == 0) {
                        frameOf[first + i] = mdl.pfn(i);
                    }
                    assertEquals(frameOf[first + i], mdl.pfn(i), "page " + (first + i) + " keeps its frame");
                }
                locked.add(new Locked(mdl, first, pages));
            } else {
                Locked l = locked.remove(r.nextInt(locked.size()));
                m.k.mmUnlockPages(l.mdl());
                m.k.ioFreeMdl(l.mdl());
            }
            long expectedProcess = 0;
            int[] expected = new int[bufferPages];
            for (Locked l : locked) {
                expectedProcess += l.pages();
                for (int i = 0; i < l.pages(); i++) {
                    expected[l.firstPage() + i]++;
                }
            }
            assertEquals(expectedProcess, m.k.numberOfLockedPages(m.p), "step " + step);
            for (int page = 0; page < bufferPages; page++) {
                if (frameOf[page] != 0) {
                    assertEquals(expected[page], m.k.pfnLockCount(frameOf[page]), "step " + step + " page " + page);
                }
            }
        }
        for (Locked l : locked) {
            m.k.mmUnlockPages(l.mdl());
        }
        m.k.exitProcess(m.p);
        assertEquals(null, m.k.bugCheck());
    }
}
