package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The provider, its options and the builder. */
class BackendTest {

    @Test
    void theProviderIsFoundThroughServiceLoader() {
        BackendProvider p = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("simulator")).findFirst().orElseThrow();
        assertEquals(10, p.priority());
        assertTrue(p.availability().available());
        try (Backend b = p.create(new BackendOptions(Map.of("profile", "win7-x64", "seed", "0x42",
                "physicalMemory", "8G", "poolFailAfter", "100")))) {
            assertEquals("simulator", b.name());
            SimulatorControl c = b.capability(SimulatorControl.class).orElseThrow();
            assertEquals("win7-x64", c.profile());
            assertFalse(c.bugCheck().isPresent());
            assertFalse(b.capability(String.class).isPresent());
        }
    }

    @Test
    void unknownOptionsAndBadValuesAreRejectedByName() {
        BackendProvider p = new SimulatorBackendProvider();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.create(new BackendOptions(Map.of("file", "x.json"))));
        assertTrue(e.getMessage().contains("'file'"), e.getMessage());
        assertTrue(e.getMessage().contains("trackLockedPages"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.create(new BackendOptions(Map.of("profile", "win11"))));
        assertThrows(IllegalArgumentException.class, () -> p.create(new BackendOptions(Map.of("verifier", "maybe"))));
        assertThrows(IllegalArgumentException.class, () -> p.create(new BackendOptions(Map.of("seed", "abc"))));
    }

    @Test
    void theBuilderSetsTheSameOptions() {
        assertEquals(Map.of("profile", "nt52-x64", "verifier", "true", "seed", "7"),
                SimulatedMachine.builder().profile("nt52-x64").verifier(true).seed(7).options().settings());
        try (SimulatorBackend b = SimulatedMachine.builder().profile("nt52-x64").build()) {
            assertEquals("nt52-x64", b.profile());
        }
    }
}
