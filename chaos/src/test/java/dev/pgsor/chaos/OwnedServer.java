package dev.pgsor.chaos;

import dev.pgsor.runtime.Database;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A PostgreSQL server the harness owns: zonky's embedded binaries (initdb, pg_ctl, postgres,
 * fetched from Maven Central) run on a data directory the harness keeps, durable (fsync,
 * full_page_writes and synchronous_commit on, data checksums), so it can be killed with SIGKILL
 * and started again on the same directory, or copied into a streaming standby and promoted.
 * Only 127.0.0.1 is listened on.
 */
final class OwnedServer implements AutoCloseable {

    private static Path binaries;

    private final String name;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process postmaster;

    private OwnedServer(String name, Path dataDir, int port) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(name + ".log");
        this.port = port;
    }

    /** The harness's work directory (the module's target/chaos under Maven). */
    static Path workDir() {
        Path dir = Path.of(System.getProperty("sor.chaos.work", System.getProperty("java.io.tmpdir") + "/pg-sor-chaos"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs initdb on a fresh directory {@code name} under the work directory and configures a durable server. */
    static OwnedServer create(String name) {
        Path dir = workDir().resolve(name);
        deleteTree(dir);
        OwnedServer server = new OwnedServer(name, dir, freePort());
        run(asUnprivileged(List.of(bin("initdb").toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                "--data-checksums", "-D", dir.toString())), server.log);
        server.appendConfig("""
                # written by the chaos harness: a durable server that listens on 127.0.0.1 only
                listen_addresses = '127.0.0.1'
                unix_socket_directories = ''
                max_connections = 100
                fsync = on
                full_page_writes = on
                synchronous_commit = on
                wal_level = logical
                max_wal_senders = 10
                max_replication_slots = 10
                hot_standby = on
                timezone = 'UTC'
                max_wal_size = '1GB'
                log_min_messages = warning
                """);
        return server;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** The superuser, connected to the given database. */
    Database admin(String database) {
        return new Database(url(database), "postgres", "");
    }

    /** A JDBC URL of a database on this server: short connect timeouts, so a dead server is noticed quickly. */
    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?connectTimeout=5&socketTimeout=120&tcpKeepAlive=true";
    }

    /** Appends lines to postgresql.conf (read at the next start; settings given later win). */
    void appendConfig(String lines) {
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), "\n" + lines, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the postmaster on the data directory and waits until it accepts connections (crash recovery included). */
    synchronized void start() {
        if (postmaster != null && postmaster.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ProcessBuilder pb = new ProcessBuilder(asUnprivileged(List.of(bin("postgres").toString(), "-D", dataDir.toString(), "-p",
                        Integer.toString(port))))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            postmaster = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!postmaster.isAlive()) {
                throw new IllegalStateException(name + " exited with " + postmaster.exitValue() + " while starting; see " + log);
            }
            try (Connection c = admin("postgres").connect(); Statement st = c.createStatement()) {
                st.execute("select 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " did not accept connections within 120 s; see " + log, last);
    }

    /** The postmaster's pid as postmaster.pid records it (its first line). */
    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The server dies at once: SIGKILL to the postmaster (the pid in postmaster.pid), then SIGKILL
     * to every process it had started, so no backend outlives it holding shared memory. Nothing is
     * flushed or checkpointed; the next start runs crash recovery. Returns System.nanoTime() when
     * every process had been sent SIGKILL: nothing sent to the server after that can commit.
     */
    synchronized long kill() {
        long pid = postmasterPid();
        ProcessHandle pm = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        List<ProcessHandle> children = pm.descendants().toList();
        pm.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        long signalled = System.nanoTime();
        waitGone(pm);
        children.forEach(OwnedServer::waitGone);
        if (postmaster != null) {
            try {
                postmaster.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return signalled;
    }

    /** A fast shutdown (pg_ctl stop -m fast): clients are disconnected, a shutdown checkpoint is written. */
    synchronized void stop() {
        if (postmaster == null || !postmaster.isAlive()) {
            return;
        }
        run(asUnprivileged(List.of(bin("pg_ctl").toString(), "stop", "-m", "fast", "-w", "-t", "60", "-D", dataDir.toString())), log);
        try {
            postmaster.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean running() {
        return postmaster != null && postmaster.isAlive();
    }

    /**
     * A streaming standby of this server, built without pg_basebackup (zonky's bundle lacks it):
     * a physical replication slot reserving WAL, pg_backup_start, a copy of the data directory
     * (without WAL, slots, pid files and temporary state), pg_backup_stop's backup_label, then
     * standby.signal with primary_conninfo and primary_slot_name. The standby is started and
     * has caught up when this returns. {@code synchronous} makes it the primary's synchronous
     * standby (synchronous_standby_names, commits wait for its flush).
     */
    OwnedServer createStandby(String standbyName, boolean synchronous) throws SQLException {
        Path dir = workDir().resolve(standbyName);
        deleteTree(dir);
        OwnedServer standby = new OwnedServer(standbyName, dir, freePort());
        String slot = standbyName.replace('-', '_');
        try (Connection c = admin("postgres").connect(); Statement st = c.createStatement()) {
            st.execute("select pg_create_physical_replication_slot('" + slot + "', true)");
            st.execute("select pg_backup_start('" + standbyName + "', true)");
            copyDataDirectory(dataDir, dir);
            try (ResultSet rs = st.executeQuery("select labelfile, spcmapfile from pg_backup_stop(false)")) {
                rs.next();
                Files.writeString(dir.resolve("backup_label"), rs.getString(1));
                String spcmap = rs.getString(2);
                if (spcmap != null && !spcmap.isEmpty()) {
                    Files.writeString(dir.resolve("tablespace_map"), spcmap);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.writeString(dir.resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        standby.appendConfig("primary_conninfo = 'host=127.0.0.1 port=" + port + " user=postgres application_name="
                + slot + "'\nprimary_slot_name = '" + slot + "'\n");
        if (synchronous) {
            try (Connection c = admin("postgres").connect(); Statement st = c.createStatement()) {
                st.execute("alter system set synchronous_standby_names = '" + slot + "'");
                st.execute("select pg_reload_conf()");
            }
        }
        standby.start();
        awaitReplicaCaughtUp(standby, slot);
        return standby;
    }

    /** Waits until the standby streams and has replayed everything the primary had written when called. */
    void awaitReplicaCaughtUp(OwnedServer standby, String applicationName) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection c = admin("postgres").connect(); Statement st = c.createStatement()) {
            String target;
            try (ResultSet rs = st.executeQuery("select pg_current_wal_lsn()::text")) {
                rs.next();
                target = rs.getString(1);
            }
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("select coalesce(replay_lsn >= '" + target + "'::pg_lsn, false), state,"
                        + " sync_state from pg_stat_replication where application_name = '" + applicationName + "'")) {
                    if (rs.next() && rs.getBoolean(1) && "streaming".equals(rs.getString(2))) {
                        return;
                    }
                }
                sleep(100);
            }
        }
        throw new IllegalStateException(standby.name + " did not catch up with " + name + " within 120 s");
    }

    /** Promotes this standby (pg_promote, waiting) and returns when it accepts writes. */
    void promote() throws SQLException {
        try (Connection c = admin("postgres").connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_promote(true, 60)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException(name + " was not promoted within 60 s");
            }
        }
    }

    /** Sends a signal (STOP, CONT) to a process of this machine. */
    static void signal(long pid, String signal) {
        run(List.of("kill", "-" + signal, Long.toString(pid)), null);
    }

    /** Stops the server if it runs; the data directory stays for a post-mortem until the next run. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            if (running()) {
                kill();
            }
        }
    }

    // ---- binaries and files

    /**
     * The directory of zonky's binaries for this platform, extracted once into the work directory.
     * The test classes run in several JVMs at once: each extracts into a directory of its own and
     * renames it into place, so a JVM sees the directory complete or not at all.
     */
    static synchronized Path binaries() {
        if (binaries != null) {
            return binaries;
        }
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String zonkyArch = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm_64" : arch;
        Path dir = workDir().resolve("pg-binaries");
        if (!Files.exists(dir.resolve(".complete"))) {
            Path mine = workDir().resolve("pg-binaries." + ProcessHandle.current().pid() + "." + System.nanoTime());
            extract(zonkyArch, mine);
            try {
                try {
                    Files.move(mine, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // another JVM renamed its copy into place first (rename fails on a directory that is not empty)
                    if (!Files.exists(dir.resolve(".complete"))) {
                        // left half-extracted by an older run: replace it
                        deleteTree(dir);
                        Files.move(mine, dir, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not move the embedded PostgreSQL binaries into " + dir, e);
            } finally {
                deleteTree(mine);
            }
        }
        binaries = dir;
        return dir;
    }

    private static void extract(String zonkyArch, Path dir) {
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", zonkyArch);
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(txz))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            Files.writeString(dir.resolve(".complete"), "");
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("could not extract the embedded PostgreSQL binaries", e);
        }
    }

    /**
     * PostgreSQL refuses to run as root; where the harness runs as root (a container, CI) the
     * programs run in a new user namespace, as zonky's EmbeddedPostgres does (unshare -U execs the
     * program, so the pid is the program's).
     */
    private static List<String> asUnprivileged(List<String> command) {
        if (!LinuxUtils.isUnshareAvailable()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("unshare", "-U"));
        out.addAll(command);
        return out;
    }

    private static Path bin(String program) {
        return binaries().resolve("bin").resolve(program);
    }

    private static final Set<String> SKIPPED_DIRS = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_subtrans");
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "standby.signal", "recovery.signal");

    /** Copies a running server's data directory the way pg_basebackup does (directories above are left empty). */
    private static void copyDataDirectory(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(dir);
                Files.createDirectories(to.resolve(rel));
                if (rel.getNameCount() == 1 && SKIPPED_DIRS.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        Files.createDirectories(to.resolve(rel).resolve("archive_status"));
                        Files.createDirectories(to.resolve(rel).resolve("summaries"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(file);
                if (rel.getNameCount() == 1 && SKIPPED_FILES.contains(rel.toString())) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(rel), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException gone) {
                    // dropped while copying: WAL replay from the backup's start recreates what matters
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }
        });
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    }

    private static void run(List<String> command, Path logFile) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (logFile != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed" + (logFile == null ? "" : "; see " + logFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitGone(ProcessHandle p) {
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + p.pid() + " did not die", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
