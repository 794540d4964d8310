package dev.mdlbridge.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test only when the class's bridge is on the simulator (for example a test that uses
 * {@code SimulatorControl} to page memory out); when skipped, the reason says why.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(BackendCondition.class)
public @interface EnabledOnSimulator {
}
