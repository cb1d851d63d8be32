package dev.pgsor.install;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.runtime.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster of a distribution's packaged binaries, built with JIT (zonky's
 * embedded binaries are not), started with every JIT threshold at 0 and pg_stat_statements tracking
 * nested statements. The binaries are Debian's {@code postgresql-15} (.ci/run installs the package
 * when it is missing), or those of {@code -Dsor.test.jit.bin}; without them the test using this
 * cluster is skipped, saying so. The cluster lives in a temporary directory, runs as the OS user
 * {@code postgres} when the tests run as root (initdb and the server refuse root), and is stopped
 * and deleted by {@link #close()}.
 */
public final class JitCluster implements AutoCloseable {

    /** Debian's packaged PostgreSQL 15 (package postgresql-15), which ships llvmjit.so. */
    static final String DEBIAN_BIN = "/usr/lib/postgresql/15/bin";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final String osUser;
    private final int port;
    private boolean started;

    private JitCluster(Path bin, Path dir, String osUser, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.osUser = osUser;
        this.port = port;
    }

    /**
     * Starts a cluster, or skips the calling test (a JUnit assumption) when no PostgreSQL binaries
     * built with JIT are installed.
     */
    public static JitCluster start() {
        Path bin = Path.of(System.getProperty("sor.test.jit.bin", DEBIAN_BIN));
        Path llvmjit = bin.resolveSibling("lib").resolve("llvmjit.so");
        assumeTrue(Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                        && Files.isExecutable(bin.resolve("postgres")) && Files.isRegularFile(llvmjit),
                "skipped: no PostgreSQL built with JIT at " + bin + " (initdb, pg_ctl, postgres and " + llvmjit
                        + "); install Debian's postgresql-15 (.ci/run does) or point -Dsor.test.jit.bin at another bin directory");
        boolean root = "root".equals(System.getProperty("user.name"));
        String osUser = root ? "postgres" : null;
        try {
            Path dir = Files.createTempDirectory("pgsor-jit-");
            if (root) {
                UserPrincipal owner;
                try {
                    owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
                } catch (IOException e) {
                    deleteTree(dir);
                    assumeTrue(false, "skipped: the tests run as root and there is no OS user postgres to run the JIT cluster as");
                    return null;
                }
                Files.setOwner(dir, owner);
            }
            JitCluster cluster = new JitCluster(bin, dir, osUser, freePort());
            try {
                cluster.init();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void init() throws IOException {
        run("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        String conf = String.join("\n",
                "",
                "# pg-sor JitCluster",
                "port = " + port,
                "listen_addresses = 'localhost'",
                "unix_socket_directories = '" + dir + "'",
                "max_connections = 40",
                "fsync = off",
                "timezone = 'UTC'",
                "jit = on",
                "jit_above_cost = 0",
                "jit_inline_above_cost = 0",
                "jit_optimize_above_cost = 0",
                "shared_preload_libraries = 'pg_stat_statements'",
                "pg_stat_statements.track = all",
                "");
        Files.writeString(data.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        run("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "120", "start");
        started = true;
    }

    /** The superuser, connected to the given database. */
    public Database admin(String database) {
        return new Database("jdbc:postgresql://localhost:" + port + "/" + database, "postgres", "");
    }

    /** The server's log, for a failure message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (immediate) and deletes its directory. */
    @Override
    public void close() {
        try {
            if (started) {
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
                started = false;
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Runs one of the cluster's programs, as the cluster's OS user; fails with its output when it fails. */
    private void run(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (osUser != null) {
            command.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
