package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class WindowsDriverBackendProviderTest {

    private final FakeWin32 fake = new FakeWin32();

    @Test
    void offWindowsSaysExactlyRequiresWindowsAndNeverTouchesWin32() {
        WindowsDriverBackendProvider p = new WindowsDriverBackendProvider(new Host("Linux", 64), () -> {
            throw new AssertionError("Win32 must not be loaded off Windows");
        });
        assertEquals(Availability.no("not available (requires Windows)"), p.availability());
        assertThrows(BackendException.class, () -> p.create(BackendOptions.none()));
    }

    @Test
    void thirtyTwoBitJvmIsRefused() {
        Availability a = new WindowsDriverBackendProvider(new Host("Windows 10", 32), () -> fake).availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains("32-bit JVM"), a.reason());
    }

    @Test
    void deviceThatCannotBeOpenedGivesTheNamedError() {
        fake.createFileError = 2;
        Availability a = new WindowsDriverBackendProvider(new Host("Windows 11", 64), () -> fake).availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains("ERROR_FILE_NOT_FOUND (2): driver not installed or not started: run "
                + "`mdl driver install` as Administrator"), a.reason());
    }

    @Test
    void availableWhenTheDeviceOpensAndTheProbeHandleIsClosed() {
        Availability a = new WindowsDriverBackendProvider(new Host("Windows 11", 64), () -> fake).availability();
        assertTrue(a.available(), a.reason());
        assertEquals(1, fake.closed.size());
    }

    @Test
    void createRefusesSimulatorSettingsIgnoresProfileAndSeedAndBackendClosesItsChannels() {
        WindowsDriverBackendProvider p = new WindowsDriverBackendProvider(new Host("Windows 11", 64), () -> fake);
        // a BackendException (not an IllegalArgumentException), so that auto moves on to the simulator
        BackendException e = assertThrows(BackendException.class,
                () -> p.create(new BackendOptions(Map.of("poolFailAfter", "3"))));
        assertTrue(e.getMessage().contains("option 'poolFailAfter' is a simulator setting"), e.getMessage());
        // a scenario always names its profile; the real machine is what it is, so the driver records, not refuses
        p.create(new BackendOptions(Map.of("profile", "win7-x64", "seed", "3"))).close();
        try (var backend = p.create(BackendOptions.none())) {
            assertEquals("driver", backend.name());
            backend.open();
            backend.open();
        }
        assertEquals(2, fake.closed.size());
    }

    @Test
    void registeredForServiceLoaderWithNameAndPriority() {
        BackendProvider found = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof WindowsDriverBackendProvider).findFirst().orElseThrow();
        assertEquals("driver", found.name());
        assertEquals(100, found.priority());
        if (!System.getProperty("os.name").startsWith("Windows")) {
            assertEquals(Availability.no("not available (requires Windows)"), found.availability());
        }
    }
}
