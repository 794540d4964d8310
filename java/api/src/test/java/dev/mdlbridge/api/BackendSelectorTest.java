package dev.mdlbridge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendDecorator;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.UserMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** auto picks the best available backend and says why the others were not used; a named one never falls back. */
class BackendSelectorTest {

    record FakeProvider(String name, int priority, Availability availability) implements BackendProvider {
        @Override
        public Backend create(BackendOptions options) {
            return new Backend() {
                @Override
                public String name() {
                    return FakeProvider.this.name;
                }

                @Override
                public DeviceChannel open() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public UserMemory userMemory() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    static final BackendProvider DRIVER_OFF = new FakeProvider("driver", 100, Availability.no("not available (requires Windows)"));
    static final BackendProvider DRIVER_ON = new FakeProvider("driver", 100, Availability.yes("device opened"));
    static final BackendProvider SIM = new FakeProvider("simulator", 10, Availability.yes("always available"));

    @Test
    void autoPrefersTheDriverWhenItIsAvailable() {
        BackendSelection s = new BackendSelector(List.of(SIM, DRIVER_ON)).select("auto", BackendOptions.none());
        assertEquals("driver", s.backend().name());
        assertEquals(List.of(), s.notUsed());
    }

    @Test
    void autoFallsBackToTheSimulatorAndSaysWhy() {
        BackendSelection s = new BackendSelector(List.of(DRIVER_OFF, SIM)).select("auto", BackendOptions.none());
        assertEquals("simulator", s.backend().name());
        assertEquals(List.of("driver: not available (requires Windows)"), s.notUsed());
        assertTrue(s.describe().contains("not used: driver: not available (requires Windows)"), s.describe());
    }

    @Test
    void aRequestedDriverThatIsUnavailableIsAnErrorNotAFallback() {
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendSelector(List.of(DRIVER_OFF, SIM)).select("driver", BackendOptions.none()));
        assertEquals("backend 'driver' was requested but is not available: not available (requires Windows)",
                e.getMessage());
    }

    @Test
    void anUnknownBackendNamesTheKnownOnes() {
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendSelector(List.of(DRIVER_OFF, SIM)).select("qemu", BackendOptions.none()));
        assertTrue(e.getMessage().contains("use auto, driver, simulator or replay:FILE"), e.getMessage());
    }

    @Test
    void noAvailableBackendListsEveryReason() {
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendSelector(List.of(DRIVER_OFF)).select("auto", BackendOptions.none()));
        assertTrue(e.getMessage().contains("driver: not available (requires Windows)"), e.getMessage());
    }

    @Test
    void autoGoesOnToTheSimulatorWhenTheDriverRefusesAnOptionAndSaysWhy() {
        BackendProvider refusing = new BackendProvider() {
            @Override
            public String name() {
                return "driver";
            }

            @Override
            public int priority() {
                return 100;
            }

            @Override
            public Availability availability() {
                return Availability.yes("device opened");
            }

            @Override
            public Backend create(BackendOptions options) {
                throw new BackendException("option 'poolFailAfter' is a simulator setting the real driver cannot apply");
            }
        };
        BackendSelection s = new BackendSelector(List.of(refusing, SIM)).select("auto",
                new BackendOptions(java.util.Map.of("poolFailAfter", "3")));
        assertEquals("simulator", s.backend().name());
        assertEquals(List.of("driver: option 'poolFailAfter' is a simulator setting the real driver cannot apply"),
                s.notUsed());
    }

    @Test
    void recordWithoutTheScenarioModuleNamesTheArtifactToAdd() {
        BackendException e = assertThrows(BackendException.class, () -> new BackendSelector(List.of(SIM))
                .select("simulator", new BackendOptions(Map.of("record", "run.mdlrec"))));
        assertEquals("record=run.mdlrec needs the recorder, which is not on the class path: add "
                + "dev.mdlbridge:mdlbridge-scenario", e.getMessage());
    }

    @Test
    void replayWithoutTheScenarioModuleNamesTheArtifactToAdd() {
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendSelector(List.of(SIM)).select("replay:run.mdlrec", BackendOptions.none()));
        assertEquals("replay:FILE needs the replay backend, which is not on the class path: add "
                + "dev.mdlbridge:mdlbridge-scenario", e.getMessage());
    }

    @Test
    void aDecoratorWrapsTheChosenBackendAndNoProviderSeesItsOption() {
        List<String> seen = new ArrayList<>();
        BackendDecorator tagging = new BackendDecorator() {
            @Override
            public String option() {
                return "record";
            }

            @Override
            public Backend decorate(Backend backend, String value, String session) {
                seen.add(backend.name() + " -> " + value + " [" + session + "]");
                return backend;
            }
        };
        BackendProvider checking = new BackendProvider() {
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
                return Availability.yes("always available");
            }

            @Override
            public Backend create(BackendOptions options) {
                assertEquals(Map.of("seed", "7"), options.settings());
                return SIM.create(options);
            }
        };
        BackendSelection s = new BackendSelector(List.of(checking), List.of(tagging)).select("auto",
                new BackendOptions(Map.of("record", "f.mdlrec", "session", "lifecycle", "seed", "7")));
        assertEquals("simulator", s.backend().name());
        assertEquals(List.of("simulator -> f.mdlrec [lifecycle]"), seen);
    }
}
