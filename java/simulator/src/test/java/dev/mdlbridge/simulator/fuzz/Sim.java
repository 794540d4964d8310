package dev.mdlbridge.simulator.fuzz;

import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.HashMap;
import java.util.Map;

/** A simulated machine through the public backend SPI (ServiceLoader), as every user gets it. */
public final class Sim implements AutoCloseable {

    public final Backend backend;
    public final SimulatorControl control;

    public Sim(Map<String, String> options) {
        this.backend = BackendSelector.fromClassPath().select("simulator", new BackendOptions(options)).backend();
        this.control = backend.capability(SimulatorControl.class)
                .orElseThrow(() -> new AssertionError("the simulator backend offers no SimulatorControl"));
    }

    public static Sim of(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Sim(m);
    }

    public RawHandle open() {
        return new RawHandle(backend.open());
    }

    @Override
    public void close() {
        backend.close();
    }
}
