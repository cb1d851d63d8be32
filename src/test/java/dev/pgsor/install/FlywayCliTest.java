package dev.pgsor.install;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Flyway command line (a separate process, see {@link FlywayCli}) on the files exactly as
 * shipped. An empty database is installed from the repository root with the README's own
 * {@code flyway} commands: {@code migrate} (the kernel, {@code ./flyway.toml}), then
 * {@code -configFiles=examples/reconciler/flyway.toml migrate}. Then, for both modules,
 * {@code info} lists every script as Success, {@code validate} passes, a second {@code migrate}
 * changes nothing and {@code clean} is refused without dropping anything; the install is certified.
 * A {@code flyway.toml} with {@code schemas} under {@code [flyway]}, where the command line does
 * not accept it, fails with its message: the shape 0.2.0 shipped.
 */
@SorTest
class FlywayCliTest {

    /** A module as the command line sees it: its configuration file, its history table, what it applies. */
    record Module(String name, String configFile, String historySchema, String historyTable, List<String> locations) {

        /** The arguments that select the module's configuration: none for ./flyway.toml, read by default. */
        List<String> configArgs() {
            return configFile.equals("flyway.toml") ? List.of() : List.of("-configFiles=" + configFile);
        }

        String history() {
            return historySchema + "." + historyTable;
        }

        /** Every versioned and repeatable script under the module's locations, by file name, sorted. */
        Set<String> scripts() {
            Set<String> scripts = new TreeSet<>();
            for (String location : locations) {
                try (Stream<Path> files = Files.walk(Repo.path(location))) {
                    files.map(p -> p.getFileName().toString()).filter(n -> SCRIPT.matcher(n).matches()).forEach(scripts::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return scripts;
        }

        /** The highest versioned script's version, as Flyway prints it ("081"). */
        String version() {
            return scripts().stream().filter(s -> s.startsWith("V")).map(s -> s.substring(1, s.indexOf("__")))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElseThrow();
        }

        /** The rows {@code flyway info} must print for the scripts: category | version | description | state. */
        Set<String> infoRows() {
            Set<String> rows = new TreeSet<>();
            for (String script : scripts()) {
                Matcher m = SCRIPT.matcher(script);
                m.matches();
                rows.add((m.group(1).equals("R") ? "Repeatable | " : "Versioned | " + m.group(1).substring(1)) + " | "
                        + m.group(2).replace('_', ' ') + " | Success");
            }
            return rows;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final Pattern SCRIPT = Pattern.compile("(V\\d+|R)__(.+)\\.sql");
    static final Module KERNEL = new Module("kernel", "flyway.toml", "sor_flyway", "flyway_schema_history",
            List.of("db/migrations", "db/functions", "db/policies"));
    static final Module RECONCILER = new Module("reconciler", "examples/reconciler/flyway.toml", "reconciler_flyway",
            "flyway_schema_history_reconciler",
            List.of("examples/reconciler/db/migrations", "examples/reconciler/db/functions", "examples/reconciler/db/policies"));
    static final String CLEAN_DISABLED = "ERROR: Unable to execute clean as it has been disabled with the 'flyway.cleanDisabled' property.";

    static List<Module> modules() {
        return List.of(KERNEL, RECONCILER);
    }

    static FlywayCli cli;
    static SorDatabase suite;
    static SorDatabase db;
    static List<List<String>> readmeCommands;
    static final List<FlywayCli.Result> readmeRuns = new ArrayList<>();

    @BeforeAll
    static void installWithTheReadmesCommands(SorDatabase database) {
        cli = FlywayCli.fromBuild();
        suite = database;
        db = database.empty();
        db.watchSchemas(KERNEL.historySchema(), RECONCILER.historySchema());
        readmeCommands = flywayLines(Repo.path("README.md"), "## Installing and gating");
        for (List<String> command : readmeCommands) {
            readmeRuns.add(cli.run(Repo.root(), withConnection(command, db.admin())));
        }
    }

    @AfterAll
    static void dropTheDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /**
     * The arguments of each line starting with {@code flyway } in the page's fenced code blocks
     * (from the heading to the next {@code ## } heading, or the whole page), split on spaces: the
     * lines use no quoting.
     */
    static List<List<String>> flywayLines(Path page, String heading) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = heading == null ? 0 : lines.indexOf(heading) + 1;
        if (heading != null) {
            assertThat(from).as("heading %s in %s", heading, page).isPositive();
        }
        List<List<String>> commands = new ArrayList<>();
        boolean fenced = false;
        for (int i = from; i < lines.size() && !(heading != null && lines.get(i).startsWith("## ")); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (fenced && line.startsWith("flyway ")) {
                assertThat(line).as("a flyway command in %s is split on spaces: no quotes, escapes or variables", page)
                        .doesNotContain("\"", "'", "\\", "$", "`");
                List<String> words = List.of(line.trim().split(" +"));
                commands.add(words.subList(1, words.size()));
            }
        }
        return commands;
    }

    /** The command with its -url, -user and -password values replaced by the database's. */
    static List<String> withConnection(List<String> command, Database target) {
        List<String> args = new ArrayList<>();
        for (String arg : command) {
            if (arg.startsWith("-url=")) {
                args.add("-url=" + target.url());
            } else if (arg.startsWith("-user=")) {
                args.add("-user=" + target.user());
            } else if (arg.startsWith("-password=")) {
                args.add("-password=" + (target.password() == null ? "" : target.password()));
            } else {
                args.add(arg);
            }
        }
        return args;
    }

    /** {@code flyway [-configFiles=...] -url=... -user=... [-password=...] args} from the repository root. */
    static FlywayCli.Result flyway(Module module, String... args) {
        List<String> all = new ArrayList<>(module.configArgs());
        all.addAll(FlywayCli.connection(db.admin()));
        all.addAll(List.of(args));
        return cli.run(Repo.root(), all);
    }

    static FlywayCli.Result readmeRun(Module module) {
        return readmeRuns.get(modules().indexOf(module));
    }

    static Set<String> applied(SorDatabase database, Module module) {
        return database.rows("select script from " + module.history() + " where type <> 'SCHEMA' and success").stream()
                .map(r -> (String) r.get(0)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** What the catalog holds in the kit's, the example's and the history schemas: relations, functions, event triggers. */
    static List<List<Object>> catalog(SorDatabase database) {
        return database.rows("select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(?)),"
                + " (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any(?)),"
                + " (select count(*) from pg_event_trigger)",
                SCHEMAS, SCHEMAS);
    }

    static final String[] SCHEMAS = {"sor", "sor_api", "sor_guard", "reconciler", "sor_flyway", "reconciler_flyway"};

    @Test
    void theReadmeInstallsWithTheseTwoCommandsAndTheOperatorDocsShowTheSame() throws IOException {
        List<String> connection = List.of("-url=jdbc:postgresql://db.example.com:5432/sor", "-user=admin", "-password=...");
        List<String> kernel = new ArrayList<>(connection);
        kernel.add("migrate");
        List<String> reconciler = new ArrayList<>(RECONCILER.configArgs());
        reconciler.addAll(connection);
        reconciler.add("migrate");
        assertThat(readmeCommands).containsExactly(kernel, reconciler);
        for (Path page : List.of(Repo.path("docs", "operate", "install.md"), Repo.path("docs", "operate", "flyway.md"))) {
            assertThat(flywayLines(page, null)).as(page.toString()).isEqualTo(readmeCommands);
        }
    }

    @Test
    void migrateFromTheRepositoryRootAppliesEveryKernelScript() {
        FlywayCli.Result migrate = readmeRun(KERNEL);
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        assertThat(applied(db, KERNEL)).isEqualTo(KERNEL.scripts());
        assertThat(db.count("select count(*) from " + KERNEL.history() + " where not success")).isZero();
        assertThat(migrate.output()).as(migrate.toString()).contains("Successfully applied " + KERNEL.scripts().size()
                + " migrations to schema \"sor_flyway\", now at version v" + KERNEL.version() + " ");
        assertThat(KERNEL.version()).isEqualTo(Repo.kernelVersion());
    }

    @Test
    void migrateWithTheExamplesConfigFileAppliesEveryReconcilerScript() {
        FlywayCli.Result migrate = readmeRun(RECONCILER);
        assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
        assertThat(applied(db, RECONCILER)).isEqualTo(RECONCILER.scripts());
        assertThat(db.count("select count(*) from " + RECONCILER.history() + " where not success")).isZero();
        assertThat(migrate.output()).as(migrate.toString()).contains("Successfully applied " + RECONCILER.scripts().size()
                + " migrations to schema \"reconciler_flyway\", now at version v" + RECONCILER.version() + " ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void infoListsEveryScriptAsSuccess(Module module) {
        FlywayCli.Result info = flyway(module, "info");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.lines()).as(info.toString()).contains("Schema version: " + module.version());
        List<String> rows = info.lines().stream().filter(l -> l.startsWith("| ") && !l.startsWith("| Category "))
                .map(l -> Stream.of(l.split("\\|")).map(String::trim).toList())
                .map(cells -> cells.get(1) + " | " + cells.get(2) + " | " + cells.get(3) + " | " + cells.get(6))
                .toList();
        Set<String> expected = new TreeSet<>(module.infoRows());
        expected.add(" |  | << Flyway Schema Creation >> | Success");
        assertThat(rows).as(info.toString()).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void validatePasses(Module module) {
        FlywayCli.Result validate = flyway(module, "validate");
        assertThat(validate.exitCode()).as(validate.toString()).isZero();
        // Flyway counts the history schema's creation marker as one more migration
        assertThat(validate.output()).as(validate.toString())
                .contains("Successfully validated " + (module.scripts().size() + 1) + " migrations");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void aSecondMigrateAppliesNothingAndWritesNothing(Module module) {
        List<List<Object>> before = catalog(db);
        assertNothingWritten(db, () -> {
            FlywayCli.Result again = flyway(module, "migrate");
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.lines()).as(again.toString())
                    .contains("Schema \"" + module.historySchema() + "\" is up to date. No migration necessary.")
                    .noneMatch(l -> l.startsWith("Successfully applied") || l.startsWith("Migrating"));
        });
        assertThat(catalog(db)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void cleanIsRefusedAndDropsNothing(Module module) {
        List<List<Object>> before = catalog(db);
        assertThat(before.get(0)).allMatch(n -> ((Number) n).longValue() > 0);
        assertNothingWritten(db, () -> {
            FlywayCli.Result clean = flyway(module, "clean");
            assertThat(clean.exitCode()).as(clean.toString()).isEqualTo(1);
            assertThat(clean.lines()).as(clean.toString()).contains(CLEAN_DISABLED);
        });
        assertThat(catalog(db)).isEqualTo(before);
    }

    @Test
    void theInstallIsCertified() {
        assertThat(applied(db, KERNEL)).isNotEmpty();
        assertThat(applied(db, RECONCILER)).isNotEmpty();
        assertCertified(db);
    }

    /**
     * The failure the build did not catch before it ran the command line: {@code schemas} under
     * {@code [flyway]} (where 0.2.0 shipped it) instead of {@code [environments.default]}. The
     * shipped file, with only that line moved, is refused before anything touches the database.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void schemasUnderTheFlywaySectionIsRefused(Module module, @TempDir Path dir) throws IOException {
        String shipped = Files.readString(Repo.path(module.configFile()), StandardCharsets.UTF_8);
        String schemas = "schemas = [\"" + module.historySchema() + "\"]\n";
        String environment = "[environments.default]\n";
        int env = shipped.indexOf(environment);
        int flyway = shipped.indexOf("\n[flyway]\n");
        assertThat(env).as("the shipped file has [environments.default]").isNotNegative();
        assertThat(flyway).as("the shipped file has [flyway] after it").isGreaterThan(env);
        assertThat(shipped.indexOf(schemas)).as("the shipped file sets schemas under [environments.default]")
                .isGreaterThan(env).isLessThan(flyway);
        String moved = shipped.replace(schemas, "").replace("\n[flyway]\n", "\n[flyway]\n" + schemas);
        Path copy = dir.resolve(module.configFile());
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, moved, StandardCharsets.UTF_8);

        try (SorDatabase empty = suite.empty()) {
            List<String> args = new ArrayList<>(module.configArgs());
            args.addAll(FlywayCli.connection(empty.admin()));
            args.add("migrate");
            FlywayCli.Result run = cli.run(dir, args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.lines()).as(run.toString()).containsSequence("ERROR: Failed to configure parameters:", "\tParameter: flyway.schemas");
            assertThat(empty.count("select count(*) from pg_namespace where nspname = any(?)", (Object) SCHEMAS)).isZero();
        }
    }
}
