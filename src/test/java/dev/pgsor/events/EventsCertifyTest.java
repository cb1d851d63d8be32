package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Sql;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The events checks of certify() pass on a migrated database and each fails when its rule is
 * broken: a refusal trigger weakened, dropped, made conditional or column-limited; the chain
 * trigger silenced; an append-only table found by its trigger or by the registry lacking one; a
 * registered table gone; a tampered event.
 */
@SorTest(reconciler = true)
class EventsCertifyTest {

    static final String APPEND_ONLY = "append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)";
    static final String EVENT_TRIGGERS = "event log triggers are ENABLE ALWAYS";
    static final String CHAINS = "event hash chains verify";
    static final String REGISTER = "the live catalog matches the register of protected objects";
    static final String REGISTERED = "every protected object is registered";

    interface Damage {
        void apply(SorDatabase db) throws Exception;
    }

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    private static List<Check> failing(SorDatabase db) throws Exception {
        try (Connection c = db.auditor().connect()) {
            return Certification.run(c).stream().filter(r -> !r.ok()).toList();
        }
    }

    /** A fresh database with three events of one stream, certified, then damaged: the failing rows, read as an auditor. */
    private static List<Check> failingAfter(Damage damage) throws Exception {
        try (SorDatabase db = suite.fresh()) {
            db.addTenant("acme", "Acme Corp");
            Database worker = db.worker("expense-reconciler", "acme");
            Events.append(worker, "acme", "expense-1", 3);
            assertThat(failing(db)).isEmpty();
            damage.apply(db);
            return failing(db);
        }
    }

    private static void assertFails(List<Check> failing, String check, String object, String detailStart) {
        assertThat(failing).as("failing rows").anySatisfy(r -> {
            assertThat(r.check()).isEqualTo(check);
            assertThat(r.object()).isEqualTo(object);
            assertThat(r.detail()).startsWith(detailStart);
        });
    }

    /** The failing objects of the events checks (the register's own rows, which name the same damage, apart). */
    private static List<String> objects(List<Check> failing) {
        return failing.stream().filter(r -> !r.check().equals(REGISTER) && !r.check().equals(REGISTERED))
                .map(Check::object).toList();
    }

    private static void assertRegisterNames(List<Check> failing, String object) {
        assertThat(failing).as("failing rows").anySatisfy(r -> {
            assertThat(r.check()).isEqualTo(REGISTER);
            assertThat(r.object()).isEqualTo(object);
        });
    }

    @Test
    void migratedDatabaseWithEventsPassesEveryEventsCheck() throws Exception {
        try (Connection c = suite.admin().connect()) {
            List<Check> rows = Certification.run(c);
            assertThat(rows).extracting(Check::check).contains(APPEND_ONLY, EVENT_TRIGGERS, CHAINS);
            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
        }
    }

    @Test
    void refusalTriggerNotEnableAlwaysFails() throws Exception {
        List<Check> failing = failingAfter(db -> Tamper.events(db,
                "alter table sor.events enable trigger events_refuse_update_delete"));
        assertFails(failing, APPEND_ONLY, "sor.events: UPDATE", "not ENABLE ALWAYS");
        assertFails(failing, APPEND_ONLY, "sor.events: DELETE", "not ENABLE ALWAYS");
        assertThat(objects(failing)).containsExactlyInAnyOrder("sor.events: UPDATE", "sor.events: DELETE");
        assertRegisterNames(failing, "trigger events_refuse_update_delete on sor.events");
    }

    @Test
    void droppedTruncateTriggerFails() throws Exception {
        List<Check> failing = failingAfter(db -> Tamper.events(db, "drop trigger events_refuse_truncate on sor.events"));
        assertFails(failing, APPEND_ONLY, "sor.events: TRUNCATE", "no unconditional BEFORE TRUNCATE statement trigger");
        assertThat(objects(failing)).containsExactly("sor.events: TRUNCATE");
        assertRegisterNames(failing, "trigger events_refuse_truncate on sor.events");
    }

    @Test
    void conditionalOrColumnLimitedRefusalFails() throws Exception {
        List<Check> conditional = failingAfter(db -> Tamper.events(db,
                "create or replace trigger events_refuse_update_delete before update or delete on sor.events"
                        + " for each row when (old.tenant_id = 'acme') execute function sor_guard.tg_events__refuse_change()",
                "alter table sor.events enable always trigger events_refuse_update_delete"));
        assertThat(objects(conditional)).containsExactlyInAnyOrder("sor.events: UPDATE", "sor.events: DELETE");
        List<Check> columnLimited = failingAfter(db -> Tamper.events(db,
                "create or replace trigger events_refuse_update_delete before update of payload or delete on sor.events"
                        + " for each row execute function sor_guard.tg_events__refuse_change()",
                "alter table sor.events enable always trigger events_refuse_update_delete"));
        assertFails(columnLimited, APPEND_ONLY, "sor.events: UPDATE", "no unconditional BEFORE UPDATE row trigger");
        assertThat(objects(columnLimited)).containsExactly("sor.events: UPDATE");
    }

    @Test
    void chainOrStatementTriggerNotEnableAlwaysFails() throws Exception {
        List<Check> chain = failingAfter(db -> Tamper.events(db, "alter table sor.events enable replica trigger events_chain"));
        assertFails(chain, EVENT_TRIGGERS, "sor.events: chain on INSERT", "no unconditional ENABLE ALWAYS trigger");
        // the chain is checked once per statement on the partitioned table: the one trigger is named
        assertThat(objects(chain)).containsExactly("sor.events: chain on INSERT");
        List<Check> statement = failingAfter(db -> Tamper.events(db, "alter table sor.events enable trigger events_refuse_statement"));
        assertThat(objects(statement)).containsExactlyInAnyOrder("sor.events: refuse UPDATE statements",
                "sor.events: refuse DELETE statements");
    }

    static final String RESERVED = "reserved names are the names the kit refuses";

    @Test
    void reservedNamesListedAreTheNamesTheKitRefuses() throws Exception {
        try (Connection c = suite.admin().connect()) {
            // one row per kind (certify() folds passing rows into one; the area's function lists them)
            assertThat(Sql.rows(c, "select object, ok, detail from sor.certify__020_events() where check_name = ? order by object", RESERVED))
                    .containsExactly(List.of("sor.reserved_names: event type prefix", true, "block_, outbox., run_, task."),
                            List.of("sor.reserved_names: outbox topic", true, "resume"),
                            List.of("sor.reserved_names: stream category", true, "outbox, run, task"));
        }
        // a reservation listed for callers that the kit's check does not apply fails, naming it
        List<Check> listedOnly = failingAfter(db -> db.exec(
                "set role sor_owner; insert into sor.reserved_names (kind, name) values ('stream category', 'ledger'); reset role"));
        assertFails(listedOnly, RESERVED, "sor.reserved_names: stream category",
                "listed but not applied: ledger; not refused as stream category: ledger");
        assertThat(objects(listedOnly)).containsExactly("sor.reserved_names: stream category");
        // a name the check applies that the list does not show fails too (the list changed by hand)
        List<Check> appliedOnly = failingAfter(db -> Tamper.events(db, """
                create or replace function sor.reserved_list(kind text) returns text[] language sql immutable parallel safe as $$
                  select case reserved_list.kind when 'stream category' then '{run,task,outbox}'::text[]
                                                 when 'event type prefix' then '{run_,block_,task.,outbox.,ledger.}'::text[]
                                                 when 'outbox topic' then '{resume}'::text[] end
                $$"""));
        assertFails(appliedOnly, RESERVED, "sor.reserved_names: event type prefix", "applied but not listed: ledger.");
        assertThat(objects(appliedOnly)).containsExactly("sor.reserved_names: event type prefix");
    }

    static final String NOT_A_REFUSAL = """
            set role sor_owner;
            create function sor.tg_ledger__nothing() returns trigger language plpgsql
              set search_path = pg_catalog, pg_temp set jit = off as 'begin return old; end';
            comment on function sor.tg_ledger__nothing() is 'named like a refusal, declared nothing';
            create trigger ledger_refuse before update or delete on sor.ledger
              for each row execute function sor.tg_ledger__nothing();
            create trigger ledger_refuse_truncate before truncate on sor.ledger
              for each statement execute function sor.tg_ledger__nothing();
            alter table sor.ledger enable always trigger ledger_refuse;
            alter table sor.ledger enable always trigger ledger_refuse_truncate;
            reset role;
            """;

    static final String REFUSING = """
            set role sor_owner;
            create trigger ledger_refuse before update or delete on sor.ledger
              for each row execute function sor_guard.tg_events__refuse_change();
            create trigger ledger_refuse_truncate before truncate on sor.ledger
              for each statement execute function sor_guard.tg_events__refuse_change();
            alter table sor.ledger enable always trigger ledger_refuse;
            alter table sor.ledger enable always trigger ledger_refuse_truncate;
            reset role;
            """;

    @Test
    void aTriggerCountsAsARefusalOnlyWhenItsFunctionIsDeclaredOne() throws Exception {
        List<Check> failing = failingAfter(db -> db.exec(LEDGER + NOT_A_REFUSAL));
        assertThat(objects(failing)).containsExactlyInAnyOrder("sor.ledger: UPDATE", "sor.ledger: DELETE", "sor.ledger: TRUNCATE");
        assertThat(objects(failingAfter(db -> db.exec(LEDGER + REFUSING)))).isEmpty();
    }

    static final String LEDGER = """
            set role sor_owner;
            create table sor.ledger (id int primary key);
            comment on table sor.ledger is 'registered append-only table';
            insert into sor.append_only_tables (table_schema, table_name) values ('sor', 'ledger');
            reset role;
            """;

    @Test
    void registeredTableWithoutTriggersFails() throws Exception {
        List<Check> failing = failingAfter(db -> db.exec(LEDGER));
        assertFails(failing, APPEND_ONLY, "sor.ledger: UPDATE", "no unconditional BEFORE UPDATE row trigger");
        assertThat(objects(failing)).containsExactlyInAnyOrder("sor.ledger: UPDATE", "sor.ledger: DELETE", "sor.ledger: TRUNCATE");
    }

    @Test
    void registeredTableThatIsGoneFails() throws Exception {
        List<Check> failing = failingAfter(db -> {
            db.exec(LEDGER);
            Tamper.run(db, List.of(), "drop table sor.ledger");
        });
        assertFails(failing, APPEND_ONLY, "sor.ledger: UPDATE", "registered in sor.append_only_tables but missing");
        assertThat(objects(failing)).containsExactlyInAnyOrder("sor.ledger: UPDATE", "sor.ledger: DELETE", "sor.ledger: TRUNCATE");
    }

    @Test
    void tamperedEventFailsTheChainCheck() throws Exception {
        List<Check> failing = failingAfter(db -> Tamper.events(db,
                "update sor.events set payload = '{\"n\": 42}' where stream = 'expense-1' and version = 2"));
        assertFails(failing, CHAINS, "sor.events acme/expense-1", "hash_mismatch at position ");
        assertThat(objects(failing)).containsExactly("sor.events acme/expense-1");
    }
}
