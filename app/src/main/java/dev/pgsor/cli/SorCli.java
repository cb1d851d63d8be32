package dev.pgsor.cli;

import dev.pgsor.contract.Contract;
import dev.pgsor.contract.ContractRule;
import dev.pgsor.db.Certification;
import dev.pgsor.db.HistoryTables;
import dev.pgsor.db.ReleaseCheck;
import dev.pgsor.db.ReleaseCallbacks;
import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.db.Releases;
import dev.pgsor.db.ContractSnapshot;
import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.lint.LintCommand;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.EmbeddedServer;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The pg-sor command line: a thin shell around the database. Exit statuses are {@link ExitCode}'s;
 * a failure prints one line (what failed, the server's message, the SQLSTATE, a hint) on standard
 * error, and its stack trace only with --verbose.
 */
@Command(name = "pg-sor", mixinStandardHelpOptions = true, versionProvider = SorCli.Version.class,
        description = "Postgres as the system of record for fleets of AI Workers.",
        subcommands = {DemoCommand.class, SorCli.Migrate.class, SorCli.Certify.class, SorCli.Schema.class, SorCli.ContractCommand.class,
                SorCli.Release.class, LintCommand.class, McpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done; every check passed (or every failing certify row was accepted)",
                "1:a check failed (certify, lint, demo)", "2:usage: bad option, argument, URL or path",
                "3:could not connect or authenticate", "4:the database has no pg-sor (migrate it first)",
                "5:the database refused or a migration failed", "6:any other failure (--verbose prints the stack trace)"})
public final class SorCli implements Callable<Integer> {

    /** {@code pg-sor VERSION}: the release this build is (SorSchema.version(), from the project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pg-sor " + SorSchema.version()};
        }
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure (by default one line says what failed).")
    boolean verbose;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return ExitCode.OK;
    }

    public static void main(String[] args) {
        if (!List.of(args).contains("--verbose")) {
            // Flyway logs a failed migration itself; the CLI's one line says it, with the script and SQLSTATE
            System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb.core.internal.command.DbMigrate", "off");
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status ({@link ExitCode}). */
    public static int run(String... args) {
        SorCli root = new SorCli();
        CommandLine cli = new CommandLine(root);
        cli.setParameterExceptionHandler((e, params) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(name(cmd) + ": " + Failures.firstLine(e.getMessage()) + "; see " + name(cmd) + " --help");
            err.flush();
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            Failures.Described d = Failures.describe(e);
            PrintWriter err = cmd.getErr();
            err.println(name(cmd) + ": " + d.line());
            if (root.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return d.exitCode();
        });
        cli.setErr(new PrintWriter(System.err, true));
        cli.setOut(new PrintWriter(System.out, true));
        return cli.execute(args);
    }

    private static String name(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName(" ");
    }

    /** Where to connect: an existing server, or an embedded one started for the command. */
    public static final class Target {
        @Option(names = "--url", description = {"JDBC URL of the database, jdbc:postgresql://HOST:5432/DB",
            "(postgres://USER:PASSWORD@HOST:5432/DB is converted; default: start an embedded PostgreSQL)"})
        String url;

        @Option(names = "--user", description = "Role to connect as (default: the URL's user, else postgres)")
        String user;

        @Option(names = "--password", description = "Password (default: the URL's password, else the PGPASSWORD environment variable)")
        String password;

        /** The database --url names, with the credentials the options or the URL give. */
        Database database() {
            return ConnectionUrl.resolve(url, user, password);
        }

        /** Opens the target; an embedded server is started when no URL was given. */
        Session open(PrintStream out) {
            if (url != null) {
                return new Session(null, database());
            }
            out.println("no --url given: starting an embedded PostgreSQL server");
            EmbeddedServer server = EmbeddedServer.start(false);
            return new Session(server, server.admin("postgres"));
        }
    }

    /** A connected target; closes the embedded server, if any, with it. */
    record Session(EmbeddedServer server, Database database) implements AutoCloseable {
        boolean embedded() {
            return server != null;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Fails with {@link ExitCode#NOT_MIGRATED} when the database has no pg-sor (sor_api.certify() is missing). */
    static void requireMigrated(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_database(), to_regprocedure('sor_api.certify()') is not null")) {
            rs.next();
            if (!rs.getBoolean(2)) {
                throw new CliException(ExitCode.NOT_MIGRATED, "database " + rs.getString(1) + " has no pg-sor (sor_api.certify() is missing)",
                        "migrate it first: pg-sor migrate --url ... (docs/operate/install.md)");
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Apply the kernel and the example domain with Flyway, each module with its own history table",
                "in its own schema. A history table an older pg-sor left in schema public is moved there first."})
    static final class Migrate implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--kernel-only", description = "Migrate the kernel but not the example domain.")
        boolean kernelOnly;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            List<SorSchema.Module> modules = kernelOnly ? List.of(SorSchema.KERNEL) : SorSchema.ALL;
            try (Session session = target.open(out)) {
                Database db = session.database();
                Migrator.requireSupportedServer(db);
                for (HistoryTables.Move m : HistoryTables.relocate(db, modules)) {
                    out.printf("%s: moved the Flyway history table %s to %s (pg-sor keeps it in the module's own schema)%n",
                            m.module(), m.from(), m.to());
                }
                for (SorSchema.Module m : modules) {
                    Flyway flyway = Migrator.flyway(db, m);
                    String before = version(flyway.info().current());
                    MigrateResult result = flyway.migrate();
                    String after = version(flyway.info().current());
                    out.printf("%s: schema version %s -> %s, %s%n", m.name(), before, after,
                            result.migrationsExecuted == 0 ? "up to date (no script applied)"
                                    : result.migrationsExecuted + (result.migrationsExecuted == 1 ? " script applied" : " scripts applied"));
                }
                return ExitCode.OK;
            }
        }

        private static String version(MigrationInfo current) {
            return current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion();
        }
    }

    @Command(name = "certify", mixinStandardHelpOptions = true,
            description = {"Print sor_api.certify(); exit status 1 when a check fails that no --accept names.",
                "With --release, also compare the live catalog with the release manifest (docs/certify.md)."})
    static final class Certify implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--release",
                description = {"Also compare every protected object of the live catalog (read with the CLI's own SQL) with the",
                    "manifest of the release this CLI is (carried in its classpath), one failing row per object that",
                    "differs, is missing or is not in the release."})
        boolean release;

        @Option(names = "--manifest", paramLabel = "FILE",
                description = "Compare with this release manifest (releases/<version>/manifest.json) instead; implies --release.")
        Path manifest;

        @Option(names = "--digest", paramLabel = "sha256:HEX",
                description = "Refuse (exit 2) a manifest whose digest is not this one: the digest the release's approver named.")
        String digest;

        @Option(names = "--accept", paramLabel = "CHECK[=OBJECT]",
                description = {"Accept a failing check (every failing row of it, or only OBJECT's), by its exact name in the",
                    "check column; repeatable. Accepted rows are printed as accepted; the gate passes when every",
                    "failing row is accepted. Example: --accept \"drop guard event triggers are installed and ENABLE ALWAYS\""})
        List<String> accept = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            List<Certification.Accept> accepts = new ArrayList<>();
            for (String a : accept) {
                try {
                    accepts.add(Certification.Accept.parse(a));
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCode.USAGE, e.getMessage(), "see pg-sor certify --help");
                }
            }
            ReleaseManifest against = release || manifest != null || digest != null ? manifest() : null;
            try (Session session = target.open(out)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), SorSchema.ALL);
                }
                try (Connection c = session.database().connect()) {
                    requireMigrated(c);
                    List<Certification.Check> rows = new ArrayList<>(Certification.run(c));
                    if (against != null) {
                        out.printf("release %s, manifest %s (%s)%n", against.version(), against.digest(),
                                manifest == null ? "carried by this CLI" : manifest);
                        rows.addAll(ReleaseCheck.run(c, against));
                    }
                    Certification.print(rows, accepts, out);
                    return Certification.judge(rows, accepts).passes() ? ExitCode.OK : ExitCode.CHECKS_FAILED;
                }
            }
        }

        /** The manifest to compare with: --manifest FILE, else the one of this CLI's release on its classpath. */
        private ReleaseManifest manifest() {
            String text;
            String source;
            if (manifest != null) {
                if (!Files.isRegularFile(manifest) || !Files.isReadable(manifest)) {
                    throw new CliException(ExitCode.USAGE, "no such manifest: " + manifest,
                            "name a release manifest such as releases/" + SorSchema.version() + "/manifest.json");
                }
                try {
                    text = Files.readString(manifest, StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new CliException(ExitCode.USAGE, "cannot read " + manifest + ": " + e.getMessage(), null);
                }
                source = manifest.toString();
            } else {
                text = Releases.bundled(SorSchema.version());
                source = SorSchema.releaseManifest(SorSchema.version());
                if (text == null) {
                    throw new CliException(ExitCode.FAILED, "this build carries no manifest of release " + SorSchema.version()
                            + " (" + source + " is not on the classpath)",
                            "generate it with " + Releases.regenerate(SorSchema.version()) + " and build again, or name one with --manifest");
                }
            }
            ReleaseManifest parsed;
            try {
                parsed = ReleaseManifest.parse(text);
            } catch (RuntimeException e) {
                throw new CliException(ExitCode.USAGE, source + ": " + e.getMessage(), "name a manifest pg-sor release wrote");
            }
            if (digest != null && !digest.equals(parsed.digest())) {
                throw new CliException(ExitCode.USAGE, source + " is release " + parsed.version() + " with digest " + parsed.digest()
                        + ", not " + digest, "name the manifest the approver named, or the digest it has");
            }
            return parsed;
        }
    }

    /**
     * The modules with the kit's callback location replaced by a copy of the callbacks folder that
     * leaves out the generated release callbacks (*__pgsor_release.sql).
     */
    static List<SorSchema.Module> withoutReleaseCallbacks(List<SorSchema.Module> modules, Path callbacks) throws IOException {
        Path copy = Files.createTempDirectory("pgsor-callbacks");
        copy.toFile().deleteOnExit();
        try (java.util.stream.Stream<Path> files = Files.list(callbacks)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".sql")
                    && !p.getFileName().toString().endsWith("__pgsor_release.sql")).toList()) {
                Path to = copy.resolve(f.getFileName());
                Files.copy(f, to);
                to.toFile().deleteOnExit();
            }
        }
        List<SorSchema.Module> out = new java.util.ArrayList<>();
        for (SorSchema.Module m : modules) {
            out.add(new SorSchema.Module(m.name(), m.historySchema(), m.historyTable(), m.locations().stream()
                    .map(l -> l.equals(SorSchema.CALLBACKS) ? "filesystem:" + copy : l).toList()));
        }
        return out;
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = {"Write a release manifest (releases/<version>/manifest.json): the Flyway scripts of the kernel and the",
                "example domain with their checksums, and the fingerprint of every object a fresh install leaves in the kit's",
                "schemas. Without --sources: this build's release, migrated into an embedded PostgreSQL (or read from --url,",
                "a database on which exactly this build's modules were freshly migrated). With --sources DIR: an earlier",
                "release, installed from the scripts it shipped (releases/0.2.0) into an embedded PostgreSQL (or --url, an",
                "empty database). --all regenerates every manifest under releases/, and this release's two release callbacks",
                "(db/callbacks/*__pgsor_release.sql, which carry its manifest into the database). Prints each manifest's digest."})
    static final class Release implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--out", description = "File to write (default: standard output)")
        Path out;

        @Option(names = "--sources", paramLabel = "DIR", description = "An earlier release's directory, e.g. releases/0.2.0")
        Path sources;

        @Option(names = "--all", description = "Write releases/<version>/manifest.json for this build's release and every earlier"
                + " release directory under --releases.")
        boolean all;

        @Option(names = "--releases", paramLabel = "DIR", defaultValue = "releases",
                description = "Where --all finds the releases (default: ${DEFAULT-VALUE})")
        Path releases;

        @Option(names = "--callbacks", paramLabel = "DIR", defaultValue = "db/callbacks",
                description = "Where --all writes this release's two release callbacks, which carry its manifest and"
                        + " the contract snapshot beside that folder (contract.txt) (default: ${DEFAULT-VALUE})")
        Path callbacks;

        @Override
        public Integer call() throws Exception {
            if (all && (out != null || sources != null)) {
                throw new CliException(ExitCode.USAGE, "--all writes every release's manifest: it takes no --out or --sources", null);
            }
            if (all && target.url != null) {
                throw new CliException(ExitCode.USAGE, "--all installs each release into a database of its own: it takes no --url", null);
            }
            List<Path> dirs = new ArrayList<>();
            if (all) {
                if (!Files.isDirectory(releases)) {
                    throw new CliException(ExitCode.USAGE, "no such directory: " + releases, "run it from the repository root");
                }
                try (var list = Files.list(releases)) {
                    list.filter(d -> Files.isDirectory(d.resolve("db").resolve("migrations"))).sorted().forEach(dirs::add);
                }
            } else if (sources != null && !Files.isDirectory(sources.resolve("db").resolve("migrations"))) {
                throw new CliException(ExitCode.USAGE, sources + " holds no release's scripts (no db/migrations)",
                        "name an earlier release's directory, such as releases/0.2.0");
            }
            if (out != null) {
                writable(out);
            }
            try (Session session = target.open(System.err)) {
                if (all) {
                    for (Path dir : dirs) {
                        Database db = scratch(session, "sor_release_" + dir.getFileName().toString().replace('.', '_'));
                        write(Releases.old(dir, db), dir.resolve("manifest.json"));
                    }
                    Database db = scratch(session, "sor_release_current");
                    // installed without the release callbacks being replaced: they carry the previous
                    // manifest, whose checksums a changed script would fail (SR027) before its new
                    // manifest exists; the manifest describes objects, which they do not create
                    Migrator.migrate(db, withoutReleaseCallbacks(SorSchema.ALL, callbacks));
                    Path current = releases.resolve(SorSchema.version());
                    Files.createDirectories(current);
                    ReleaseManifest manifest = Releases.current(db);
                    write(manifest, current.resolve("manifest.json"));
                    String contract = Files.readString(callbacks.resolveSibling("contract.txt"), StandardCharsets.UTF_8);
                    for (Map.Entry<String, String> file : ReleaseCallbacks.render(manifest, contract).entrySet()) {
                        Files.writeString(callbacks.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
                        System.out.println("release " + manifest.version() + ": wrote " + callbacks.resolve(file.getKey()));
                    }
                    return ExitCode.OK;
                }
                Database db = session.database();
                ReleaseManifest manifest;
                if (sources != null) {
                    manifest = Releases.old(sources, db);
                } else {
                    if (session.embedded()) {
                        Migrator.migrate(db, SorSchema.ALL);
                    }
                    try (Connection c = db.connect()) {
                        requireMigrated(c);
                    }
                    manifest = Releases.current(db);
                }
                write(manifest, out);
                return ExitCode.OK;
            }
        }

        /** A new database on the embedded server. */
        private static Database scratch(Session session, String name) throws SQLException {
            try (Connection c = session.database().connect(); Statement st = c.createStatement()) {
                st.execute("create database " + name);
            }
            return session.database().withDatabaseName(name);
        }

        private static void write(ReleaseManifest manifest, Path file) throws java.io.IOException {
            String text = manifest.render();
            String summary = String.format("release %s: %s (%d scripts, %d objects)", manifest.version(), manifest.digest(),
                    manifest.scripts().size(), manifest.objects().size());
            if (file == null) {
                System.out.print(text);
                System.err.println(summary);
            } else {
                Files.writeString(file, text, StandardCharsets.UTF_8);
                System.out.println(summary + ", wrote " + file);
            }
        }

        private static void writable(Path out) {
            Path dir = out.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir) || Files.isDirectory(out)
                    || Files.exists(out) && !Files.isWritable(out)) {
                throw new CliException(ExitCode.FAILED, "cannot write " + out + (dir != null && !Files.isDirectory(dir)
                        ? ": no such directory " + dir : ": not a writable file"), "name a file in a writable directory with --out");
            }
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Write the schema snapshot (db/schema.sql) of a freshly migrated embedded database, or of --url.")
    static final class Schema implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--out", description = "File to write (default: standard output)")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (out != null) {
                Path dir = out.toAbsolutePath().getParent();
                if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir) || Files.isDirectory(out)
                        || Files.exists(out) && !Files.isWritable(out)) {
                    throw new CliException(ExitCode.FAILED, "cannot write " + out + (dir != null && !Files.isDirectory(dir)
                            ? ": no such directory " + dir : ": not a writable file"), "name a file in a writable directory with --out");
                }
            }
            try (Session session = target.open(System.err)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), SorSchema.ALL);
                }
                String text;
                try (Connection c = session.database().connect()) {
                    requireMigrated(c);
                    text = SchemaSnapshot.render(c);
                }
                if (out == null) {
                    System.out.print(text);
                } else {
                    Files.writeString(out, text, StandardCharsets.UTF_8);
                    System.err.println("wrote " + out);
                }
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "contract", mixinStandardHelpOptions = true,
            description = {"The contract snapshot of a kernel: sor_api.contract_version(), the sor_api functions and views with their",
                    "grants, and the SQLSTATEs of the error table. Of an embedded kernel freshly migrated, or of --url, a deployed one.",
                    "Without --out or --check: print it. --check: compare it with the contract this build carries (or --against FILE)",
                    "and exit 0 when they are the same, 1 (naming every difference) when they are not. --out FILE: write it; when FILE",
                    "exists and the change needs a version the live contract_version() does not have, nothing is written (exit 5).",
                    "The error table is --errors, else docs/errors.md in the current folder, else the one this build carries."})
    static final class ContractCommand implements Callable<Integer> {
        @Mixin Target target;

        @Option(names = "--out", description = "File to write (default: standard output)")
        Path out;

        @Option(names = "--check", description = "Compare with the contract this build carries (or --against), exit 1 on any difference")
        boolean check;

        @Option(names = "--against", paramLabel = "FILE", description = "With --check: the contract snapshot to compare with")
        Path against;

        @Option(names = "--releases", paramLabel = "DIR", defaultValue = "releases",
                description = "Where --out finds the releases' contracts (<version>/contract.txt): a version not released yet is"
                        + " judged against the last release's (default: ${DEFAULT-VALUE})")
        Path releases;

        @Option(names = "--errors", description = "The error table whose SQLSTATEs the contract lists"
                + " (default: docs/errors.md when the current folder has it, else the one this build carries)")
        Path errors;

        @Override
        public Integer call() throws Exception {
            if (check && out != null) {
                throw new CliException(ExitCode.USAGE, "--check compares and writes nothing: it takes no --out", null);
            }
            if (against != null && !check) {
                throw new CliException(ExitCode.USAGE, "--against names what --check compares with: add --check", null);
            }
            String markdown = errorTable();
            String reference = null;
            if (check) {
                reference = against != null ? Files.readString(against, StandardCharsets.UTF_8) : bundled("pgsor/contract.txt");
                if (reference == null) {
                    throw new CliException(ExitCode.FAILED, "this build carries no contract snapshot (pgsor/contract.txt)",
                            "pass the snapshot to compare with: --against db/contract.txt");
                }
            }
            try (Session session = target.open(System.err)) {
                if (session.embedded()) {
                    Migrator.migrate(session.database(), List.of(SorSchema.KERNEL));
                }
                Contract live;
                try (Connection c = session.database().connect()) {
                    live = ContractSnapshot.read(c, markdown);
                }
                if (check) {
                    Contract.Diff diff = Contract.parse(reference).diffTo(live);
                    Contract expected = Contract.parse(reference);
                    if (diff.isEmpty() && expected.version().equals(live.version())) {
                        System.out.println("contract " + live.version() + ": the database keeps the contract "
                                + (against != null ? "of " + against : "this build carries") + " exactly");
                        return ExitCode.OK;
                    }
                    System.out.print("contract drift: the database's contract_version() is " + live.version() + ", "
                            + (against != null ? against.toString() : "this build's") + " is " + expected.version()
                            + (diff.breaking() ? "; a client built against it may break" : "") + "\n" + diff.describe());
                    return ExitCode.CHECKS_FAILED;
                }
                if (out == null) {
                    System.out.print(live.render());
                    return ExitCode.OK;
                }
                if (Files.exists(out)) {
                    // the reference is the snapshot being replaced, unless the live version is not
                    // released yet (no releases/<version>/contract.txt): then the last release's, so a
                    // version in the making may gather changes its bump from that release allows
                    Path judgedBy = out;
                    Path released = lastReleasedContract(live.version());
                    if (released != null && !Files.isRegularFile(releases.resolve(live.version().toString()).resolve("contract.txt"))) {
                        judgedBy = released;
                    }
                    ContractRule.Verdict verdict = ContractRule.check(Contract.parse(Files.readString(judgedBy, StandardCharsets.UTF_8)), live);
                    if (!verdict.ok()) {
                        // never record a change under a version that does not allow it: the file stays as it was
                        throw new CliException(ExitCode.REFUSED, "not written: " + verdict.message().strip(),
                                "bump the version first; " + out + " is unchanged");
                    }
                    if (!verdict.diff().isEmpty()) {
                        System.err.print(verdict.summary());
                    }
                }
                Files.writeString(out, live.render(), StandardCharsets.UTF_8);
                System.err.println("wrote " + out + " (contract_version " + live.version() + ")");
                return ExitCode.OK;
            }
        }

        /** The contract of the newest release before this version kept under --releases, or NULL. */
        private Path lastReleasedContract(dev.pgsor.contract.Version version) throws java.io.IOException {
            if (!Files.isDirectory(releases)) {
                return null;
            }
            try (var dirs = Files.list(releases)) {
                return dirs.filter(d -> Files.isRegularFile(d.resolve("contract.txt")))
                        .filter(d -> d.getFileName().toString().matches("[0-9]+\\.[0-9]+\\.[0-9]+"))
                        .filter(d -> dev.pgsor.contract.Version.parse(d.getFileName().toString()).compareTo(version) < 0)
                        .max(java.util.Comparator.comparing(d -> dev.pgsor.contract.Version.parse(d.getFileName().toString())))
                        .map(d -> d.resolve("contract.txt"))
                        .orElse(null);
            }
        }

        private String errorTable() throws java.io.IOException {
            if (errors != null) {
                if (!Files.isRegularFile(errors)) {
                    throw new CliException(ExitCode.USAGE, "no such file: " + errors, "name the error table, such as docs/errors.md");
                }
                return Files.readString(errors, StandardCharsets.UTF_8);
            }
            Path local = Path.of("docs", "errors.md");
            if (Files.isRegularFile(local)) {
                return Files.readString(local, StandardCharsets.UTF_8);
            }
            String carried = bundled("pgsor/errors.md");
            if (carried == null) {
                throw new CliException(ExitCode.FAILED, "this build carries no error table (pgsor/errors.md)", "pass one with --errors");
            }
            return carried;
        }

        private static String bundled(String resource) throws java.io.IOException {
            try (java.io.InputStream in = SorCli.class.getClassLoader().getResourceAsStream(resource)) {
                return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
