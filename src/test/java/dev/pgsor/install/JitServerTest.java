package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit on a server with JIT, as Debian's PostgreSQL runs by default (jit = on), with every JIT
 * threshold at 0 so that any statement the planner sees would be compiled: the kernel migrates,
 * and then DDL the guard's event triggers judge, certify(), an append and a task's enqueue, claim
 * and completion run, and pg_stat_statements (which tracks the statements inside functions) shows
 * that none of the statements executed inside the kit's functions was JIT-compiled, while a query
 * outside the kit in the same sessions, and the statement of a function without jit = off, were.
 */
@Tag("slow")
class JitServerTest {

    static JitCluster cluster;
    static Database admin;
    static Database worker;

    @BeforeAll
    static void migrate() throws Exception {
        cluster = JitCluster.start();
        Sql.run(cluster.admin("postgres"), "create database sor");
        admin = cluster.admin("sor");
        Sql.run(admin, "create extension pg_stat_statements");
        Migrator.migrate(admin, List.of(SorSchema.KERNEL));
        Sql.run(admin, "create role jit_worker login in role sor_worker");
        Sql.run(admin, "select sor_api.add_tenant('acme', 'Acme Corp')");
        Sql.run(admin, "select sor_api.register_worker('jit_worker', 'jit-probe')");
        Sql.run(admin, "select sor_api.add_member('acme', 'jit_worker')");
        Sql.run(admin, "select sor_api.create_queue('probe', 'tasks of the JIT probe')");
        // outside the kit: a function without jit = off, whose statement JIT compiles
        Sql.run(admin, "create function public.jit_control() returns bigint language plpgsql as $$"
                + " declare _s bigint; begin select sum(jit_control_g) into _s from generate_series(1, 1000) jit_control_g;"
                + " return _s; end $$");
        Sql.run(admin, "grant execute on function public.jit_control() to jit_worker");
        worker = admin.as("jit_worker", "");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Statements pg_stat_statements recorded in this database since the last reset: query, top level, calls, JIT-compiled functions. */
    static List<List<Object>> statements(Connection c) throws Exception {
        return Sql.rows(c, "select s.query, s.toplevel, s.calls, s.jit_functions from pg_stat_statements s"
                + " where s.dbid = (select d.oid from pg_database d where d.datname = current_database())"
                + " order by s.jit_functions desc, s.query");
    }

    @Test
    void noStatementInsideTheKitsFunctionsIsJitCompiled() throws Exception {
        try (Connection a = admin.connect(); Connection w = worker.connect()) {
            assertThat(Sql.rows(a, "select current_setting('jit'), current_setting('jit_above_cost'), pg_jit_available(),"
                    + " current_setting('pg_stat_statements.track')"))
                    .as("the cluster compiles everything it may").containsExactly(List.of("on", "0", true, "all"));
            Sql.run(a, "select pg_stat_statements_reset()");

            // DDL in public: the guard's event triggers run on every DDL statement of the database
            Sql.run(a, "create table public.jit_probe (id integer primary key)");
            Sql.run(a, "alter table public.jit_probe add column note text");
            assertThat(Sql.scalar(a, "select count(*) from sor_api.certify() where not ok")).isEqualTo(0L);
            Sql.run(w, "select * from sor_api.append_event('acme', 'order-1', 'OrderPlaced', '{\"total\": 42}')");
            long task = ((Number) Sql.scalar(w, "select sor_api.enqueue_task('acme', 'probe', 'row-1', '{\"row\": 1}')")).longValue();
            List<List<Object>> claimed = Sql.rows(w, "select task_id, fencing_token from sor_api.claim_tasks('probe', 1, '30 seconds')");
            assertThat(claimed).hasSize(1);
            assertThat(claimed.get(0).get(0)).isEqualTo(task);
            Sql.run(w, "select sor_api.complete_task(?, ?, '{\"done\": true}')", task, claimed.get(0).get(1));
            assertThat(Sql.scalar(a, "select count(*) from sor.finished_tasks where task_id = ? and status = 'completed'", task))
                    .isEqualTo(1L);
            // the controls, in the same sessions: a query outside the kit, and a function without jit = off
            Sql.run(w, "select sum(g) from generate_series(1, 1000) g");
            Sql.run(w, "select public.jit_control()");

            List<List<Object>> recorded = statements(a);
            List<List<Object>> nested = recorded.stream().filter(r -> !(Boolean) r.get(1)).toList();
            List<List<Object>> control = nested.stream().filter(r -> ((String) r.get(0)).contains("jit_control_g")).toList();
            List<List<Object>> kit = nested.stream().filter(r -> !((String) r.get(0)).contains("jit_control_g")).toList();

            assertThat(control).as("the statement of a function without jit = off").hasSize(1)
                    .allSatisfy(r -> assertThat(((Number) r.get(3)).longValue()).isPositive());
            assertThat(recorded).as("the query outside the kit")
                    .filteredOn(r -> "select sum(g) from generate_series($1, $2) g".equals(r.get(0)))
                    .hasSize(1).allSatisfy(r -> assertThat(((Number) r.get(3)).longValue()).isPositive());
            // the statements of the guard, certify(), the append and the task paths were recorded ...
            assertThat(kit.size()).as("statements executed inside the kit's functions").isGreaterThan(50);
            assertThat(kit).anySatisfy(r -> assertThat((String) r.get(0)).contains("pg_event_trigger_ddl_commands"));
            assertThat(kit).anySatisfy(r -> assertThat((String) r.get(0)).contains("sor.certify__"));
            assertThat(kit).anySatisfy(r -> assertThat((String) r.get(0)).containsIgnoringCase("insert into sor.events"));
            assertThat(kit).anySatisfy(r -> assertThat((String) r.get(0)).containsIgnoringCase("insert into sor.finished_tasks"));
            // ... and none of them was compiled
            assertThat(kit.stream().filter(r -> ((Number) r.get(3)).longValue() > 0).toList())
                    .as("statements inside the kit's functions that were JIT-compiled").isEmpty();
        }
    }
}
