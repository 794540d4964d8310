package dev.mdlbridge.installer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Opens the kit this build made ({@code ./mvnw -Pkit package}) and checks it holds what a test machine needs, byte
 * for byte where there is a source to compare with. Without the profile there is no zip and the test says so.
 */
class KitContentsTest {

    private static Path kit() {
        String p = System.getProperty("mdlbridge.kit");
        Assumptions.assumeTrue(p != null, "the kit is built only by ./mvnw -Pkit package (after bash driver/build.sh)");
        return Path.of(p);
    }

    private static Map<String, ZipEntry> entries(ZipFile zip) {
        Map<String, ZipEntry> m = new TreeMap<>();
        zip.stream().filter(e -> !e.isDirectory()).forEach(e -> m.put(e.getName().substring(e.getName().indexOf('/') + 1), e));
        return m;
    }

    private static byte[] bytes(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theKitHoldsTheSignedDriverItsSymbolsAndCertificateTheCliAndTheScripts() throws Exception {
        Path kit = kit();
        assertTrue(Files.isRegularFile(kit), kit + " was not built");
        try (ZipFile zip = new ZipFile(kit.toFile())) {
            Map<String, ZipEntry> e = entries(zip);
            assertEquals(java.util.Set.of("mdl.cmd", "mdl.jar", "README-TESTMACHINE.md", "driver/mdlbridge.sys",
                    "driver/mdlbridge.pdb", "driver/mdlbridge-test.cer", "scripts/Trust-TestCertificate.ps1",
                    "scripts/Install-MdlBridge.ps1", "scripts/Uninstall-MdlBridge.ps1",
                    "scripts/Trust-TestCertificate.cmd", "scripts/Install-MdlBridge.cmd",
                    "scripts/Uninstall-MdlBridge.cmd"), e.keySet());
            String top = zip.stream().findFirst().orElseThrow().getName();
            assertTrue(top.startsWith("mdlbridge-kit-"), top);

            Path out = Path.of(System.getProperty("user.dir"), "..", "driver", "out", "x64");
            for (String f : new String[] {"mdlbridge.sys", "mdlbridge.pdb", "mdlbridge-test.cer"}) {
                assertArrayEquals(Files.readAllBytes(out.resolve(f)), bytes(zip, e.get("driver/" + f)), f);
            }
            byte[] sys = bytes(zip, e.get("driver/mdlbridge.sys"));
            assertEquals('M', sys[0]);
            assertEquals('Z', sys[1]);

            try (JarInputStream jar = new JarInputStream(zip.getInputStream(e.get("mdl.jar")))) {
                assertEquals("dev.mdlbridge.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
                // the shaded jar carries mdlbridge-scenario: the examples, their expected results, the schemas,
                // and the replay backend and the recorder, registered for ServiceLoader beside the other backends
                Map<String, String> services = new TreeMap<>();
                Set<String> names = new HashSet<>();
                for (JarEntry j; (j = jar.getNextJarEntry()) != null; ) {
                    names.add(j.getName());
                    if (j.getName().startsWith("META-INF/services/dev.mdlbridge.")) {
                        services.put(j.getName(), new String(jar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
                for (String r : new String[] {"examples/lifecycle.json", "examples/expected/lifecycle.json",
                        "schemas/result.schema.json"}) {
                    assertTrue(names.contains(r), "mdl.jar lacks " + r);
                }
                String providers = services.get("META-INF/services/dev.mdlbridge.spi.BackendProvider");
                assertTrue(providers.contains("dev.mdlbridge.record.ReplayProvider")
                        && providers.contains("dev.mdlbridge.simulator.SimulatorBackendProvider")
                        && providers.contains("dev.mdlbridge.windows.WindowsDriverBackendProvider"), providers);
                assertEquals("dev.mdlbridge.record.RecordingDecorator",
                        services.get("META-INF/services/dev.mdlbridge.spi.BackendDecorator").trim());
            }
            String cmd = new String(bytes(zip, e.get("mdl.cmd")), StandardCharsets.US_ASCII);
            assertTrue(cmd.contains("java -jar \"%~dp0mdl.jar\" %*") && cmd.contains("\r\n"), cmd);
            for (String ps : new String[] {"Trust-TestCertificate", "Install-MdlBridge", "Uninstall-MdlBridge"}) {
                String script = new String(bytes(zip, e.get("scripts/" + ps + ".ps1")), StandardCharsets.UTF_8);
                assertTrue(script.contains("#Requires -RunAsAdministrator"), ps);
                assertTrue(script.contains("\r\n"), ps + " has Windows line endings");
                // Restricted (the client default) refuses every .ps1: each script has a wrapper that bypasses the
                // policy for its own powershell process and passes the arguments on
                String wrapper = new String(bytes(zip, e.get("scripts/" + ps + ".cmd")), StandardCharsets.US_ASCII);
                assertTrue(wrapper.contains("powershell.exe -NoProfile -ExecutionPolicy Bypass -File \"%~dp0" + ps
                        + ".ps1\" %*\r\n"), wrapper);
                assertTrue(wrapper.contains("exit /b %ERRORLEVEL%"), ps + ".cmd returns the script's exit code");
            }
            String readme = new String(bytes(zip, e.get("README-TESTMACHINE.md")), StandardCharsets.UTF_8);
            assertTrue(readme.contains("bcdedit /set testsigning on") && !readme.contains("${project.version}"),
                    "the README names the version and the steps");
        }
    }
}
