package dev.mdlbridge.junit;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Opens the class's bridge, injects it, and checks after every test that the driver's counters are back where they
 * were before it and that every user buffer the test allocated through the bridge was released: a test that leaves
 * an MDL, a mapping, a kernel buffer, locked pages or a {@code UserBuffer} behind fails, naming them.
 *
 * <p>Registered by {@link MdlBridgeTest}; not meant to be used on its own.
 */
public final class MdlBridgeExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final String BASELINE = "counters-before";

    /** What the leak check compares: the driver's counters and the live user allocations. */
    private record Baseline(Counters counters, Map<Long, Long> userAllocations) {
    }

    /** Creates the extension; JUnit does this through {@link MdlBridgeTest}. */
    public MdlBridgeExtension() {
    }

    /** Records the counters and the live user allocations before the test (nothing on a stopped machine). */
    @Override
    public void beforeEach(ExtensionContext context) {
        Bridges.Holder h = Bridges.holder(context);
        if (h.tracked.bugCheck().isPresent()) {
            return;
        }
        context.getStore(Bridges.NAMESPACE).put(BASELINE, new Baseline(h.bridge.counters(),
                h.tracked.liveAllocations()));
    }

    /**
     * Fails the test when it left anything behind, after releasing it so the next test is not blamed. Skipped when
     * the simulated machine stopped with a bug check: the bug check was reported (or expected) by the test, and a
     * stopped machine has no counters to read.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        Baseline before = context.getStore(Bridges.NAMESPACE).remove(BASELINE, Baseline.class);
        if (before == null) {
            return;
        }
        Bridges.Holder h = Bridges.holder(context);
        if (h.tracked.bugCheck().isPresent()) {
            return;
        }
        MdlBridge bridge = h.bridge;
        Counters after = bridge.counters();
        List<String> buffers = new ArrayList<>();
        List<Long> leakedBuffers = new ArrayList<>();
        h.tracked.liveAllocations().forEach((address, size) -> {
            if (!before.userAllocations().containsKey(address)) {
                leakedBuffers.add(address);
                buffers.add(String.format("%d bytes at 0x%X", size, address));
            }
        });
        if (after.equals(before.counters()) && leakedBuffers.isEmpty()) {
            return;
        }
        // Release what this handle holds, then the user memory, so the next test starts clean and is not blamed.
        if (!after.equals(before.counters())) {
            bridge.releaseAll();
        }
        leakedBuffers.forEach(h.tracked::release);
        List<String> left = new ArrayList<>();
        if (!after.equals(before.counters())) {
            left.add(after.describeExcessOver(before.counters()));
        }
        if (!buffers.isEmpty()) {
            left.add(buffers.size() + " user buffer" + (buffers.size() == 1 ? "" : "s") + " ("
                    + String.join(", ", buffers) + ")");
        }
        throw new AssertionError("mdlbridge leak in " + context.getDisplayName() + " on "
                + bridge.selection().describe() + ": the test left " + String.join(", ", left)
                + " outstanding (before " + before.counters() + ", after " + after + ")");
    }

    /** {@code MdlBridge} and {@code SimulatorControl} parameters. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MdlBridge.class || type == SimulatorControl.class;
    }

    /** The class's bridge, or its simulated machine (which only the simulator has). */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        MdlBridge bridge = Bridges.of(context);
        if (parameter.getParameter().getType() == MdlBridge.class) {
            return bridge;
        }
        return bridge.backend().capability(SimulatorControl.class).orElseThrow(() -> new ParameterResolutionException(
                "SimulatorControl needs the simulator backend, but this run uses " + bridge.selection().describe()
                        + ": annotate the test @EnabledOnSimulator"));
    }
}
