package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.spi.DeviceChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend's list of open channels: closed ones leave it at once, and closing the backend closes the rest. */
class WindowsDriverBackendTest {

    @Test
    void aClosedChannelLeavesTheListSoAStressRunDoesNotGrowIt() {
        FakeWin32 fake = new FakeWin32();
        WindowsDriverBackend backend = new WindowsDriverBackend(fake);
        for (int i = 0; i < 1000; i++) {
            backend.open().close();
        }
        assertEquals(0, backend.openChannels());
        assertEquals(1000, fake.closed.size());
    }

    @Test
    void closingTheBackendClosesWhatIsStillOpenOnce() {
        FakeWin32 fake = new FakeWin32();
        WindowsDriverBackend backend = new WindowsDriverBackend(fake);
        DeviceChannel a = backend.open();
        backend.open();
        a.close();
        assertEquals(1, backend.openChannels());
        backend.close();
        assertEquals(0, backend.openChannels());
        assertEquals(List.of(0x1234L, 0x1234L), fake.closed, "each handle closed once");
    }
}
