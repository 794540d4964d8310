package dev.mdlbridge.windows.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Service Control Manager, a machine and certutil in memory: what the installer's decisions run against here. */
final class Fakes {

    private Fakes() {
    }

    static final class Scm implements ServiceManager {
        final Map<String, Service> services = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        /** Errors the next call of that name fails with. */
        final Map<String, Integer> failNext = new HashMap<>();
        /** Polls a stop takes before the service reports STOPPED; -1 never. */
        int pollsToStop = 1;
        private int polls;

        @Override
        public Optional<Service> query(String name) {
            Service s = services.get(name);
            if (s != null && s.state() == SERVICE_STOP_PENDING && pollsToStop >= 0 && ++polls >= pollsToStop) {
                s = with(s, SERVICE_STOPPED);
                services.put(name, s);
            }
            return Optional.ofNullable(s);
        }

        @Override
        public void createKernelDriver(String name, String displayName, String binaryPath) {
            call("create " + name + " " + binaryPath);
            services.put(name, new Service(name, SERVICE_STOPPED, binaryPath, null, null));
        }

        @Override
        public void mark(String name, String createdBy, String trustedCertificate) {
            call("mark " + createdBy + " " + trustedCertificate);
            Service s = services.get(name);
            services.put(name, new Service(name, s.state(), s.binaryPath(), createdBy, trustedCertificate));
        }

        @Override
        public void start(String name) {
            call("start");
            services.put(name, with(services.get(name), SERVICE_RUNNING));
        }

        /** The service is in STOP_PENDING (a stop from elsewhere); it reports STOPPED after pollsToStop polls. */
        void stopping(String name) {
            polls = 0;
            services.put(name, with(services.get(name), SERVICE_STOP_PENDING));
        }

        @Override
        public void stop(String name) {
            if (Integer.valueOf(LoadErrors.ERROR_SERVICE_CANNOT_ACCEPT_CTRL).equals(failNext.get("stop"))) {
                stopping(name); // what 1061 means here: another stop got there first
            }
            call("stop");
            polls = 0;
            services.put(name, with(services.get(name), SERVICE_STOP_PENDING));
        }

        @Override
        public void delete(String name) {
            call("delete");
            services.remove(name);
        }

        private void call(String what) {
            calls.add(what);
            Integer e = failNext.remove(what.split(" ")[0]);
            if (e != null) {
                throw new Win32Failure(what, e);
            }
        }

        static Service with(Service s, int state) {
            return new Service(s.name(), state, s.binaryPath(), s.createdBy(), s.trustedCertificate());
        }
    }

    static final class Machine implements SystemFacts {
        boolean elevated = true;
        Optional<Boolean> secureBoot = Optional.of(false);
        Optional<Integer> ci = Optional.of(CI_TESTSIGN);
        String arch = "AMD64";

        @Override
        public boolean elevated() {
            return elevated;
        }

        @Override
        public Optional<Boolean> secureBoot() {
            return secureBoot;
        }

        @Override
        public Optional<Integer> codeIntegrityOptions() {
            return ci;
        }

        @Override
        public String osArchitecture() {
            return arch;
        }
    }

    static final class Commands implements CommandRunner {
        final List<String> run = new ArrayList<>();
        /** Exit code of `certutil -store` (0: the certificate is already trusted). */
        int storeExit = 1;
        /** Exit codes by the command's start ("certutil -addstore -f TrustedPublisher"); 0 otherwise. */
        final Map<String, Integer> exitFor = new HashMap<>();

        @Override
        public Outcome run(List<String> command) {
            String line = String.join(" ", command);
            run.add(line);
            for (Map.Entry<String, Integer> e : exitFor.entrySet()) {
                if (line.startsWith(e.getKey())) {
                    return new Outcome(e.getValue(), "CertUtil: failed\r\n  for a reason\r\n");
                }
            }
            return new Outcome(command.get(1).equals("-store") ? storeExit : 0, "");
        }
    }
}
