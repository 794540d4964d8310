package dev.mdlbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.spi.UserMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The {@code replay:FILE} policy with {@code mdlbridge.record}: a class recorded on one run (on a test machine,
 * the driver; here the simulator) runs again from the recording, its calls and the extension's own (counters
 * before and after each test) answered byte for byte.
 */
class ReplayPolicyTest {

    static final List<String> pfns = new ArrayList<>();

    @MdlBridgeTest
    static class DescribeFixture {
        @Test
        void describesTwoPages(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(2 * 4096, UserMemory.PAGE_READWRITE)) {
                b.write(0, new byte[] {1});
                Describe d = bridge.describe(b.address(), 2 * 4096, LockOperation.READ);
                pfns.add(bridge.backend().name() + " " + java.util.Arrays.toString(d.lockedPfns().orElseThrow()));
            }
        }
    }

    private static EngineExecutionResults run(String policy, Path recording) {
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(DescribeFixture.class))
                .configurationParameter("mdlbridge.backend", policy);
        if (recording != null) {
            kit = kit.configurationParameter("mdlbridge.record", recording.toString());
        }
        return kit.execute();
    }

    @Test
    void aRecordedClassReplaysWithTheSameAnswers(@TempDir Path dir) {
        Path recording = dir.resolve("class.mdlrec");
        pfns.clear();
        run("simulator", recording).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertTrue(Files.exists(recording));
        run("replay:" + recording, null).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertEquals(2, pfns.size(), pfns.toString());
        assertTrue(pfns.get(0).startsWith("simulator ["), pfns.toString());
        assertEquals(pfns.get(0).replace("simulator", "replay"), pfns.get(1), "the replay returns the recorded PFNs");
    }
}
