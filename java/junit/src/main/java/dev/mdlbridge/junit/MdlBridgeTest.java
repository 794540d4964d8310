package dev.mdlbridge.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that talks to mdlbridge: one bridge per class, on the backend chosen by the JUnit configuration
 * parameter {@code mdlbridge.backend} (else the {@code mdlbridge.backend} system property / {@code
 * MDLBRIDGE_BACKEND}, else {@code auto}); {@code MdlBridge} and {@code SimulatorControl} parameters are injected;
 * every test must leave the driver's counters as it found them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MdlBridgeExtension.class)
public @interface MdlBridgeTest {
}
