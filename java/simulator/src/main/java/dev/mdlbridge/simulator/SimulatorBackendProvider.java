package dev.mdlbridge.simulator;

import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;

/** The simulated Windows machine: available everywhere, chosen by {@code auto} only when no driver answers. */
public final class SimulatorBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "simulator";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes("the simulator runs on any JVM");
    }

    @Override
    public Backend create(BackendOptions options) {
        return new SimulatorBackend(SimulatorSettings.parse(options));
    }
}
