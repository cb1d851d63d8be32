package dev.pgsor.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.cli.SorCli;
import dev.pgsor.lint.MigrationLinter.Finding;
import dev.pgsor.lint.MigrationLinter.Rule;
import dev.pgsor.support.Repo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule fires on a small sample, each reviewed marker silences its rule, and the repository's migrations are clean. */
class MigrationLinterTest {

    static final String HEADER = "-- V9: sample.\n-- Why: test.\n-- Locks: see below.\n-- Reversal: none.\n";
    static final String TIMEOUT = "set lock_timeout = '5s';\n";

    private static List<Finding> lint(String sql) {
        return MigrationLinter.lint("V9__sample.sql", sql);
    }

    private static List<Rule> rules(String sql) {
        return lint(sql).stream().map(Finding::rule).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "drop|drop table sor.old_things",
        "drop|drop schema legacy cascade",
        "drop|alter table sor.outbox drop column last_error",
        "drop|alter table sor.outbox add column x int, drop constraint outbox_topic_length",
        "alter-column-type|alter table sor.outbox alter column topic type varchar(300)",
        "alter-column-type|alter table sor.outbox alter topic set data type varchar(300) using topic::varchar(300)",
        "set-not-null|alter table sor.outbox alter column provider_ref set not null",
        "create-index|create index outbox_topic_idx on sor.outbox (topic)",
        "create-index|create unique index if not exists outbox_x_key on only sor.outbox (tenant_id, topic)",
        "foreign-key|alter table sor.outbox add constraint outbox_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id)",
        "volatile-default|alter table sor.outbox add column token uuid not null default gen_random_uuid()",
        "volatile-default|alter table sor.outbox add column jitter float8 default random()",
        "volatile-default|alter table sor.outbox add column seen_at timestamptz default clock_timestamp()",
    })
    void ruleFiresAndItsMarkerSilencesIt(String rule, String statement) {
        String sql = HEADER + TIMEOUT + statement + ";\n";
        List<Finding> findings = lint(sql);
        assertThat(findings).extracting(Finding::rule).containsExactly(Rule.valueOf(rule.toUpperCase().replace('-', '_')));
        assertThat(findings.get(0).line()).isEqualTo(6);
        assertThat(findings.get(0).format()).startsWith("V9__sample.sql:6: [" + rule + "]").contains("safe alternative: ");

        String reviewed = "-- lint: reviewed " + rule + " by Dana Reyes: rehearsed on branch sor_rehearsal_7, CHG-1234\n";
        assertThat(lint(reviewed + HEADER + TIMEOUT + statement + ";\n")).isEmpty();
        assertThat(lint(HEADER + reviewed + TIMEOUT + statement + ";\n")).isEmpty();
    }

    @Test
    void changingAnExistingTableWithoutLockTimeoutIsFlaggedOnce() {
        String sql = HEADER + "set role sor_owner;\nalter table sor.outbox add column note text;\n"
                + "alter table sor.outbox add column remark text;\nreset role;\n";
        List<Finding> findings = lint(sql);
        assertThat(findings).extracting(Finding::rule, Finding::line).containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.LOCK_TIMEOUT, 6));
        assertThat(lint("-- lint: reviewed lock-timeout by Dana: the table is empty in every deployment\n" + sql)).isEmpty();
        assertThat(lint(HEADER + "select pg_catalog.set_config('lock_timeout', '5s', true);\n"
                + "alter table sor.outbox add column note text;\n")).isEmpty();
        assertThat(lint(HEADER + "set local lock_timeout to '2s';\ncreate index concurrently x_idx on sor.outbox (topic);\n")).isEmpty();
    }

    @Test
    void lockTimeoutSetAfterTheFirstChangeDoesNotCount() {
        assertThat(rules(HEADER + "alter table sor.outbox add column note text;\n" + TIMEOUT)).containsExactly(Rule.LOCK_TIMEOUT);
    }

    @Test
    void safeAlternativesPass() {
        assertThat(lint(HEADER + TIMEOUT
                + "alter table sor.outbox add column note text;\n"
                + "alter table sor.outbox add column noted_at timestamptz not null default now();\n"
                + "alter table sor.outbox add column kind text not null default 'email';\n"
                + "create index concurrently outbox_note_idx on sor.outbox (note);\n"
                + "alter table sor.outbox add constraint outbox_run_fkey foreign key (tenant_id, run_id)"
                + " references sor.runs (tenant_id, run_id) not valid;\n"
                + "alter table sor.outbox validate constraint outbox_run_fkey;\n"
                + "alter table sor.outbox add constraint outbox_note_not_null check (note is not null) not valid;\n"
                + "alter table sor.outbox validate constraint outbox_note_not_null;\n"
                + "alter table sor.outbox alter column note set not null;\n")).isEmpty();
    }

    @Test
    void setNotNullNeedsTheCheckValidatedFirst() {
        assertThat(rules(HEADER + TIMEOUT
                + "alter table sor.outbox add constraint c check (note is not null) not valid;\n"
                + "alter table sor.outbox alter column note set not null;\n")).containsExactly(Rule.SET_NOT_NULL);
        assertThat(rules(HEADER + TIMEOUT
                + "alter table sor.outbox add constraint c check (other is not null) not valid;\n"
                + "alter table sor.outbox validate constraint c;\n"
                + "alter table sor.outbox alter column note set not null;\n")).containsExactly(Rule.SET_NOT_NULL);
    }

    @Test
    void tablesCreatedInTheSameFileAreNotExisting() {
        assertThat(lint(HEADER + "set role sor_owner;\n"
                + "create table sor.things (tenant_id text not null, id uuid not null default gen_random_uuid(), note text);\n"
                + "create index things_note_idx on sor.things (note);\n"
                + "alter table sor.things add column token uuid default gen_random_uuid();\n"
                + "alter table sor.things alter column note set not null;\n"
                + "alter table sor.things alter column note type varchar(200);\n"
                + "alter table sor.things add constraint things_fkey foreign key (tenant_id) references sor.tenants (tenant_id);\n"
                + "alter table sor.things enable row level security;\nreset role;\n")).isEmpty();
    }

    @Test
    void commentsStringsAndFunctionBodiesAreNotStatements() {
        assertThat(lint(HEADER
                + "-- drop table sor.events;\n/* alter table sor.outbox drop column x; */\n"
                + "comment on table sor.outbox is 'drop table sor.outbox; alter table sor.outbox drop column x';\n"
                + "create function sor.f() returns void language plpgsql as $body$ begin drop table sor.outbox; end $body$;\n"
                + "do $$ begin execute 'drop table sor.outbox'; end $$;\n")).isEmpty();
    }

    @Test
    void aMarkerOnlyCountsInTheHeaderAndMustBeWellFormed() {
        String late = HEADER + TIMEOUT + "drop table sor.x;\n-- lint: reviewed drop by Dana: too late\n";
        assertThat(rules(late)).containsExactly(Rule.DROP);
        assertThat(rules("-- lint: reviewed drop by Dana:\n" + HEADER + TIMEOUT + "drop table sor.x;\n"))
                .containsExactly(Rule.MARKER, Rule.DROP);
        assertThat(rules("-- lint: reviewed everything by Dana: trust me\n" + HEADER + TIMEOUT + "drop table sor.x;\n"))
                .containsExactly(Rule.MARKER, Rule.DROP);
        assertThat(rules("-- lint: reviewed create-index by Dana: small table\n" + HEADER + TIMEOUT + "drop table sor.x;\n"))
                .containsExactly(Rule.DROP);
    }

    @Test
    void findingsNameTheLineOfTheStatement() {
        List<Finding> findings = lint(HEADER + TIMEOUT + "\n\nalter table sor.outbox\n  drop column x;\nselect 1;\ndrop table sor.y;\n");
        assertThat(findings).extracting(Finding::line).containsExactly(8, 11);
    }

    @Test
    void theRepositoryMigrationsAreClean() {
        List<Finding> findings = MigrationLinter.lintDirectories(
                List.of(Repo.path("db", "migrations"), Repo.path("examples", "reconciler", "db", "migrations")));
        assertThat(findings).as(String.join("\n", findings.stream().map(Finding::format).toList())).isEmpty();
        assertThat(Repo.path("db", "migrations", "V001__roles_schemas_baseline.sql")).exists();
    }

    @Test
    void theLintCommandExitsOneOnAFinding(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("V1__ok.sql"), HEADER + "create table t (x int);\n");
        assertThat(cli("lint", dir.toString())).isZero();
        Files.writeString(dir.resolve("V2__bad.sql"), HEADER + "drop table t;\n");
        assertThat(cli("lint", dir.toString())).isEqualTo(1);
    }

    private static int cli(String... args) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return SorCli.run(args);
        } finally {
            System.setOut(original);
        }
    }
}
