package dev.mdlbridge.cli.explore;

import dev.mdlbridge.simulator.SimulatedMachine;
import dev.mdlbridge.spi.Backend;
import java.util.function.UnaryOperator;

/** Where sequences run: a fresh simulated machine for each, or the one real driver (handles released between). */
interface MachineFactory {

    /** A machine for one sequence. The explorer closes it after the sequence (a shared one ignores that). */
    Backend create(MachineSetup setup);

    boolean simulator();

    /** Fresh simulated machines; {@code customize} may change the builder (tests remove a refusal with it). */
    static MachineFactory simulated(UnaryOperator<SimulatedMachine.Builder> customize) {
        return new MachineFactory() {
            @Override
            public Backend create(MachineSetup setup) {
                SimulatedMachine.Builder b = customize.apply(SimulatedMachine.builder().profile(setup.profile()));
                setup.faults().forEach((k, v) -> {
                    switch (k) {
                        case "poolFailAfter" -> b.poolFailAfter(v);
                        case "systemPtesAvailable" -> b.systemPtesAvailable(v);
                        case "lockCountLimit" -> b.lockCountLimit(v);
                        default -> throw new IllegalArgumentException("unknown fault " + k);
                    }
                });
                return b.build();
            }

            @Override
            public boolean simulator() {
                return true;
            }
        };
    }

    /** One backend for every sequence (the real driver): profiles and faults do not exist there, and close is left to the caller. */
    static MachineFactory shared(Backend backend) {
        Backend keepOpen = new Backend() {
            @Override
            public String name() {
                return backend.name();
            }

            @Override
            public dev.mdlbridge.spi.DeviceChannel open() {
                return backend.open();
            }

            @Override
            public dev.mdlbridge.spi.UserMemory userMemory() {
                return backend.userMemory();
            }

            @Override
            public <T> java.util.Optional<T> capability(Class<T> type) {
                return backend.capability(type);
            }

            @Override
            public void close() {
                // shared: the command closes it when the run ends
            }
        };
        return new MachineFactory() {
            @Override
            public Backend create(MachineSetup setup) {
                return keepOpen;
            }

            @Override
            public boolean simulator() {
                return false;
            }
        };
    }
}
