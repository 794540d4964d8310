package dev.mdlbridge.junit;

import dev.mdlbridge.api.MdlBridge;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * {@link EnabledOnDriver} and {@link EnabledOnSimulator}: decided by the backend the class's bridge actually uses,
 * not by the OS, so a Windows machine without the driver installed skips driver tests under {@code auto} with the
 * driver's reason. Under {@code driver} an unavailable driver fails the test when the bridge is opened.
 */
public final class BackendCondition implements ExecutionCondition {

    /** Creates the condition; JUnit does this through {@link EnabledOnDriver} and {@link EnabledOnSimulator}. */
    public BackendCondition() {
    }

    /**
     * Enabled when the element has neither annotation, or when the class's bridge uses the backend it names;
     * otherwise disabled with a reason that names the backend in use and why it was chosen. Opens the class's
     * bridge when it is not open yet.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        String wanted = null;
        if (AnnotationSupport.isAnnotated(element, EnabledOnDriver.class)) {
            wanted = "driver";
        } else if (AnnotationSupport.isAnnotated(element, EnabledOnSimulator.class)) {
            wanted = "simulator";
        }
        if (wanted == null) {
            return ConditionEvaluationResult.enabled("no mdlbridge backend condition");
        }
        MdlBridge bridge = Bridges.of(context);
        String used = bridge.backend().name();
        if (used.equals(wanted)) {
            return ConditionEvaluationResult.enabled("runs on the " + used + " backend");
        }
        return ConditionEvaluationResult.disabled("requires the " + wanted + " backend; this run uses "
                + bridge.selection().describe());
    }
}
