package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** INFO per profile, and the mapping modifiers that exist only from Windows 8 on. */
class ProfilesAndInfoTest {

    @ParameterizedTest
    @CsvSource({"win10-x64, 10, 0, 19045, 0x00007FFFFFFEFFFF", "win7-x64, 6, 1, 7601, 0x000007FFFFFEFFFF",
            "nt52-x64, 5, 2, 3790, 0x000007FFFFFEFFFF"})
    void infoSaysWhichWindows(String profile, int major, int minor, int build, String highest) {
        try (Dev d = new Dev(SimulatedMachine.builder().profile(profile))) {
            Reply r = d.ok(IOCTL_INFO, Requests.header(Dev.ALL));
            Info i = dev.mdlbridge.protocol.ReplyDecoder.info(r.data());
            assertEquals(build, r.value());
            assertEquals(major, i.osMajor());
            assertEquals(minor, i.osMinor());
            assertEquals(build, i.osBuild());
            assertEquals(ARCH_AMD64, i.arch());
            assertEquals(DRIVER_VERSION, i.driverVersion());
            assertEquals(PROTOCOL_VERSION, i.protocolVersion());
            assertEquals(Long.decode(highest).longValue(), i.highestUserAddress());
            assertEquals(MAX_CHAIN_RANGES, i.maxChainRanges());
            assertEquals(LIMIT_HANDLE_LOCKED_BYTES, i.handleLimits().maxLockedBytes());
        }
    }

    @Test
    void olderProfilesRejectTheModifierBits() {
        try (Dev d = new Dev(SimulatedMachine.builder().profile("win7-x64"))) {
            int id = d.mdl(d.buffer(0x1000), 0x100);
            d.probe(id, USER_MODE, IO_WRITE_ACCESS);
            Dev.parameter(d.send(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, id,
                    NORMAL_PAGE_PRIORITY | MAPPING_NO_EXECUTE)), PARAM_PRIORITY);
            assertEquals(0, d.mapSystem(id).status().value(), "NormalPagePriority alone maps");
        }
    }

    @Test
    void windows10AcceptsThem() {
        try (Dev d = new Dev()) {
            int id = d.mdl(d.buffer(0x1000), 0x100);
            d.probe(id, USER_MODE, IO_WRITE_ACCESS);
            assertEquals(0, d.send(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, id,
                    HIGH_PAGE_PRIORITY | MAPPING_NO_EXECUTE | MAPPING_NO_WRITE)).status().value());
        }
    }
}
