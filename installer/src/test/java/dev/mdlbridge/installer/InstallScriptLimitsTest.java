package dev.mdlbridge.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Install-MdlBridge.ps1 checks -Limit against its own copy of the limit names and ranges (no Java on such a
 * machine); the copy must be the protocol's, name for name, in index order.
 */
class InstallScriptLimitsTest {

    private static final Pattern ENTRY = Pattern.compile(
            "^\\s*'(\\w+)'\\s*=\\s*@\\((0x[0-9A-Fa-f]+|\\d+),\\s*(0x[0-9A-Fa-f]+|\\d+)\\)\\s*$", Pattern.MULTILINE);

    private static long number(String s) {
        return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    @Test
    void theScriptsLimitTableIsTheProtocols() throws Exception {
        String script = Files.readString(Path.of("src", "kit", "scripts", "Install-MdlBridge.ps1"));
        Matcher m = ENTRY.matcher(script);
        List<String> names = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            ranges.add(number(m.group(2)) + ".." + number(m.group(3)));
        }
        assertEquals(Protocol.LIMIT_NAMES, names);
        List<String> expected = new ArrayList<>();
        for (long[] r : Protocol.LIMIT_RANGES) {
            expected.add(r[0] + ".." + r[1]);
        }
        assertEquals(expected, ranges);
        assertTrue(script.contains("-PropertyType QWord"), "written as REG_QWORD, as mdl driver install writes them");
    }
}
