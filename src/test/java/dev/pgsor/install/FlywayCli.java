package dev.pgsor.install;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Flyway command line ({@code org.flywaydb.commandline.Main}, the version of the build's
 * {@code flyway.version}), run as a separate process the way a DBA runs {@code flyway}: from a
 * working directory whose {@code flyway.toml} it reads, with the arguments given and nothing else.
 *
 * <p>Its jars are copied by the build-only module {@code tools/flyway-cli} into
 * {@code tools/flyway-cli/target/flyway-cli/lib}; the build passes that directory as
 * {@code -Dsor.flyway.cli} (without it, the path under {@link Repo#root()}). None of them is on
 * the tests' classpath.
 *
 * <p>What the caller does not pass cannot leak in: {@code FLYWAY_*} and {@code REDGATE_*}
 * variables of the environment the tests run in are removed (the command line reads its
 * configuration from them), and the child's home directory is an empty temporary one (it reads
 * {@code ~/flyway.toml}). Standard input is closed, so it never waits for a password prompt.
 */
public final class FlywayCli {

    /** The command line's main class in {@code flyway-commandline}. */
    public static final String MAIN_CLASS = "org.flywaydb.commandline.Main";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /**
     * What one run did.
     *
     * @param exitCode the process's exit status (0: success)
     * @param output   standard output and standard error, interleaved as the process wrote them
     */
    public record Result(int exitCode, String output) {

        /** The output's lines. */
        public List<String> lines() {
            return output.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", output:\n" + output;
        }
    }

    private final Path lib;
    private final Duration timeout;

    private FlywayCli(Path lib, Duration timeout) {
        this.lib = lib;
        this.timeout = timeout;
    }

    /**
     * The command line the build copied: {@code -Dsor.flyway.cli}, else
     * {@code tools/flyway-cli/target/flyway-cli/lib} under the repository root. Fails, naming the
     * directory and how to fill it, when its jars are not there.
     */
    public static FlywayCli fromBuild() {
        String configured = System.getProperty("sor.flyway.cli", "");
        Path dir = configured.isBlank() ? Repo.path("tools", "flyway-cli", "target", "flyway-cli", "lib") : Path.of(configured);
        return at(dir);
    }

    /** The command line whose jars (flyway-commandline and its runtime dependencies) are in {@code lib}. */
    public static FlywayCli at(Path lib) {
        Path dir = lib.toAbsolutePath().normalize();
        List<String> mains = List.of();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                mains = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("flyway-commandline-") && n.endsWith(".jar"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (mains.size() != 1) {
            throw new IllegalStateException("the Flyway command line is not in " + dir + " ("
                    + (mains.isEmpty() ? "no flyway-commandline jar" : "several flyway-commandline jars: " + mains)
                    + "): build from the repository root, e.g. ./mvnw -pl src/test -am verify, which copies it there"
                    + " (module tools/flyway-cli), or pass -Dsor.flyway.cli=DIR");
        }
        return new FlywayCli(dir, DEFAULT_TIMEOUT);
    }

    /** The same command line, killed (and the run failed) when a run takes longer than {@code timeout}. */
    public FlywayCli withTimeout(Duration timeout) {
        return new FlywayCli(lib, timeout);
    }

    /** The directory of the jars. */
    public Path lib() {
        return lib;
    }

    /** {@code -url=}, {@code -user=} and {@code -password=} for the database (no password argument when it has none). */
    public static List<String> connection(Database db) {
        List<String> args = new ArrayList<>(List.of("-url=" + db.url(), "-user=" + db.user()));
        if (db.password() != null && !db.password().isEmpty()) {
            args.add("-password=" + db.password());
        }
        return args;
    }

    /** Runs {@code flyway} with the database's connection arguments, then {@code args}, from {@code workingDir}. */
    public Result run(Path workingDir, Database db, String... args) {
        List<String> all = new ArrayList<>(connection(db));
        all.addAll(List.of(args));
        return run(workingDir, all);
    }

    /** Runs {@code flyway args...} from {@code workingDir}. */
    public Result run(Path workingDir, List<String> args) {
        return run(workingDir, args, Map.of());
    }

    /**
     * Runs {@code flyway args...} from {@code workingDir}, with {@code env} added to the
     * environment (after the inherited {@code FLYWAY_*} and {@code REDGATE_*} variables are
     * removed). Returns its exit status and output; a run that outlives the timeout is killed and
     * fails with the output so far.
     */
    public Result run(Path workingDir, List<String> args, Map<String, String> env) {
        if (!Files.isDirectory(workingDir)) {
            throw new IllegalArgumentException("no such working directory: " + workingDir);
        }
        Path home;
        try {
            home = Files.createTempDirectory("flyway-cli-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return execute(workingDir, command(home, args), env);
        } finally {
            deleteTree(home);
        }
    }

    private List<String> command(Path home, List<String> args) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString());
        // a short-lived client: the quick JIT tier and the serial collector spare the build's CPUs
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Duser.home=" + home);
        command.add("-Dfile.encoding=UTF-8");
        command.add("-Dstdout.encoding=UTF-8");
        command.add("-Dstderr.encoding=UTF-8");
        command.add("-cp");
        command.add(lib + java.io.File.separator + "*");
        command.add(MAIN_CLASS);
        command.addAll(args);
        return command;
    }

    private Result execute(Path workingDir, List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("FLYWAY_")
                || k.toUpperCase(Locale.ROOT).startsWith("REDGATE_"));
        environment.putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command.get(0), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "flyway-cli-output");
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                reader.join(TimeUnit.SECONDS.toMillis(5));
                throw new IllegalStateException("flyway " + String.join(" ", command.subList(command.indexOf(MAIN_CLASS) + 1, command.size()))
                        + " in " + workingDir + " did not finish within " + timeout + " and was killed; output so far:\n" + text(output));
            }
            reader.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flyway ran", e);
        }
        return new Result(process.exitValue(), text(output));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process was killed: keep what was read
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
