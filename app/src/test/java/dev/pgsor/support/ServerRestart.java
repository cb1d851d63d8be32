package dev.pgsor.support;

import dev.pgsor.testkit.SorDatabase;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the test kit's embedded PostgreSQL server on its data directory with its own
 * pg_ctl, as a DBA restarts a server: a fast shutdown (every session gets 57P01 and its
 * connection closes), connections refused while it is down, then a start with the same options
 * (pg_ctl reads them from postmaster.opts). Only for the embedded server, which the JVM owns.
 */
public final class ServerRestart {

    private final Path dataDirectory;
    private final Path pgCtl;

    private ServerRestart(Path dataDirectory, Path pgCtl) {
        this.dataDirectory = dataDirectory;
        this.pgCtl = pgCtl;
    }

    /** The restart of the server the database lives on. */
    public static ServerRestart of(SorDatabase db) {
        Path data = Path.of((String) db.scalar("select setting from pg_settings where name = 'data_directory'"));
        try {
            String opts = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8).strip();
            String postgres = opts.split(" ", 2)[0].replace("\"", "");
            return new ServerRestart(data, Path.of(postgres).resolveSibling("pg_ctl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fast shutdown; returns once the server has stopped. */
    public void stop() {
        pgCtl("stop", "-m", "fast", "-w", "-t", "60");
    }

    /** Starts the stopped server with the options it ran with; returns once it accepts connections. */
    public void start() {
        pgCtl("restart", "-m", "fast", "-w", "-t", "60");
    }

    private void pgCtl(String... args) {
        // pg_ctl refuses to run as root; zonky runs the server in a user namespace then, so do the same
        List<String> command = new ArrayList<>(LinuxUtils.isUnshareAvailable() ? List.of("unshare", "-U") : List.of());
        command.add(pgCtl.toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-D", dataDirectory.toString()));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed on " + dataDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
