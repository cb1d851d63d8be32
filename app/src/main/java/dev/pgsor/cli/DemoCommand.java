package dev.pgsor.cli;

import dev.pgsor.demo.ReconcilerDemo;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.EmbeddedServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `pg-sor demo`: the Expense Reconciler's night, on an embedded PostgreSQL or --url. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the Expense Reconciler end to end and print the certificate, the forensic report of the crashed run and the proof.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--url", description = "JDBC URL of an empty database to use (default: an embedded PostgreSQL)")
    String url;

    @Option(names = "--user", defaultValue = "postgres", description = "Admin role (default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--password", description = "Its password (default: the PGPASSWORD environment variable)")
    String password;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        ReconcilerDemo.Outcome outcome;
        if (url != null) {
            String pw = password != null ? password : System.getenv("PGPASSWORD");
            outcome = new ReconcilerDemo(new Database(url, user, pw), System.out).run();
        } else {
            System.out.println("-- starting an embedded PostgreSQL server");
            try (EmbeddedServer server = EmbeddedServer.start(false)) {
                try (Connection c = server.admin("postgres").connect(); Statement st = c.createStatement()) {
                    st.execute("create database sor_demo");
                }
                outcome = new ReconcilerDemo(server.admin("sor_demo"), System.out).run();
            }
        }
        System.out.printf("%ndemo finished in %.1f s%n", (System.nanoTime() - started) / 1e9);
        boolean ok = outcome.failingChecks() == 0 && outcome.eventsVerify() && outcome.expenses() == outcome.pendingRows()
                && outcome.emailsSent() == outcome.expenses() && outcome.duplicateNewExpenses() == 0;
        return ok ? 0 : 1;
    }
}
