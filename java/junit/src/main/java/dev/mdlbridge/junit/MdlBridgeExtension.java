package dev.mdlbridge.junit;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.SimulatorControl;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Opens the class's bridge, injects it, and checks after every test that the driver's counters are back where they
 * were before it: a test that leaves an MDL, a mapping, a kernel buffer or locked pages behind fails, naming them.
 */
public final class MdlBridgeExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final String BASELINE = "counters-before";

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(Bridges.NAMESPACE).put(BASELINE, Bridges.of(context).counters());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Counters before = context.getStore(Bridges.NAMESPACE).remove(BASELINE, Counters.class);
        if (before == null) {
            return;
        }
        MdlBridge bridge = Bridges.of(context);
        Counters after = bridge.counters();
        if (!after.equals(before)) {
            // Release what this handle holds so the next test starts clean and is not blamed for this one.
            bridge.releaseAll();
            throw new AssertionError("mdlbridge leak in " + context.getDisplayName() + " on "
                    + bridge.selection().describe() + ": the test left " + after.describeExcessOver(before)
                    + " outstanding (before " + before + ", after " + after + ")");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MdlBridge.class || type == SimulatorControl.class;
    }

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
