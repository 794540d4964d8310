package dev.mdlbridge.windows;

import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.UserMemory;
import java.util.ArrayList;
import java.util.List;

/** The real driver on this machine. Closing it closes every channel it opened that is still open. */
public final class WindowsDriverBackend implements Backend {

    private final Win32 win32;
    private final String devicePath;
    private final WindowsUserMemory memory;
    private final List<WindowsDeviceChannel> channels = new ArrayList<>();

    public WindowsDriverBackend(Win32 win32, String devicePath) {
        this.win32 = win32;
        this.devicePath = devicePath;
        this.memory = new WindowsUserMemory(win32);
    }

    public WindowsDriverBackend(Win32 win32) {
        this(win32, Protocol.USER_DEVICE_PATH);
    }

    @Override
    public String name() {
        return "driver";
    }

    @Override
    public synchronized DeviceChannel open() {
        WindowsDeviceChannel c = WindowsDeviceChannel.open(win32, devicePath);
        channels.add(c);
        return c;
    }

    @Override
    public UserMemory userMemory() {
        return memory;
    }

    @Override
    public synchronized void close() {
        // Channel close is idempotent, so channels the bridge already closed are harmless here.
        for (WindowsDeviceChannel c : channels) {
            c.close();
        }
        channels.clear();
    }
}
