package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The certutil runner: the limit holds against a tool that never ends, and output is decoded in the OEM page. */
class ProcessCommandRunnerTest {

    /** A process that writes {@code output}, then keeps its pipe open and never exits until it is killed. */
    static final class HangingProcess extends Process {
        final CountDownLatch killed = new CountDownLatch(1);
        private final byte[] output;
        private final boolean hang;

        HangingProcess(byte[] output, boolean hang) {
            this.output = output;
            this.hang = hang;
        }

        @Override
        public InputStream getInputStream() {
            return new InputStream() {
                int at;

                @Override
                public int read() throws IOException {
                    if (at < output.length) {
                        return output[at++] & 0xFF;
                    }
                    if (hang) {
                        try {
                            killed.await(); // the pipe stays open as long as the process lives
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return -1;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int c = read();
                    if (c < 0) {
                        return -1;
                    }
                    b[off] = (byte) c;
                    return 1;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            if (hang) {
                killed.await();
            }
            return exitValue();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            return !hang || killed.await(timeout, unit);
        }

        @Override
        public int exitValue() {
            return hang ? 1 : 0;
        }

        @Override
        public void destroy() {
            killed.countDown();
        }

        @Override
        public Process destroyForcibly() {
            killed.countDown();
            return this;
        }
    }

    @Test
    void aToolThatNeverEndsIsKilledAtTheLimitWithWhatItSaidSoFar() {
        HangingProcess p = new HangingProcess("CertUtil: -addstore ".getBytes(StandardCharsets.US_ASCII), true);
        ProcessCommandRunner runner = new ProcessCommandRunner(c -> p, Duration.ofSeconds(1),
                StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        CommandRunner.Outcome o = runner.run(List.of("certutil", "-addstore", "-f", "Root", "x.cer"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(-1, o.exitCode());
        assertEquals(0, p.killed.getCount(), "killed");
        assertTrue(seconds < 10, "returned after " + seconds + " s");
        assertEquals("certutil -addstore -f Root x.cer did not finish in 1 s and was stopped; its output so far: "
                + "CertUtil: -addstore", o.output());
    }

    @Test
    void outputIsDecodedInTheOemCodePage() {
        // "Zertifikat hinzugefügt" as certutil writes it on a German Windows (OEM 850: ü is 0x81)
        byte[] cp850 = {'h', 'i', 'n', 'z', 'u', 'g', 'e', 'f', (byte) 0x81, 'g', 't'};
        ProcessCommandRunner runner = new ProcessCommandRunner(c -> new HangingProcess(cp850, false),
                Duration.ofSeconds(5), OemCharset.of(850));
        CommandRunner.Outcome o = runner.run(List.of("certutil", "-store", "Root", "ab"));
        assertEquals(new CommandRunner.Outcome(0, "hinzugef\u00fcgt"), o);
    }

    @Test
    void codePagesMapToTheirJavaCharsets() {
        assertEquals("IBM850", OemCharset.of(850).name());
        assertEquals("IBM437", OemCharset.of(437).name());
        assertEquals(StandardCharsets.UTF_8, OemCharset.of(65001));
        assertEquals("\u00e9", new String(new byte[] {(byte) 0x82}, OemCharset.of(437)), "é in code page 437");
    }

    @Test
    void aToolThatCannotStartSaysSo() {
        ProcessCommandRunner runner = new ProcessCommandRunner(c -> {
            throw new IOException("CreateProcess error=2");
        }, Duration.ofSeconds(1), StandardCharsets.US_ASCII);
        assertEquals(new CommandRunner.Outcome(-1, "cannot run certutil: CreateProcess error=2"),
                runner.run(List.of("certutil")));
    }
}
