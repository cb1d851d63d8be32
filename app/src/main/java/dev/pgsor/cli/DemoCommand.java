package dev.pgsor.cli;

import dev.pgsor.db.Certification;
import dev.pgsor.demo.ReconcilerDemo;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.EmbeddedServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `pg-sor demo`: the Expense Reconciler's night, on an embedded PostgreSQL or --url. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the Expense Reconciler end to end and print the certificate, the forensic report of the crashed run",
            "and the proof; exit status 1 if a proof fails. On --url it makes tenants and logins of its own for each run",
            "(named with a short tag) and touches no other tenant's rows, so it runs again on the same database."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--url", description = {"JDBC URL of the database to use; the demo migrates it first",
        "(postgres://USER:PASSWORD@HOST:5432/DB is converted; default: an embedded PostgreSQL)"})
    String url;

    @Option(names = "--user", description = "The admin that migrates and creates the demo's tenants and logins (default: the URL's user, else postgres)")
    String user;

    @Option(names = "--password", description = "The admin's password (default: the URL's password, else the PGPASSWORD environment variable)")
    String password;

    @Option(names = "--login-password", paramLabel = "PASSWORD",
            description = "The password of the logins the demo creates (default: generated, and printed once)")
    String loginPassword;

    @Option(names = "--accept", paramLabel = "CHECK[=OBJECT]",
            description = "A failing certify row to accept, as in pg-sor certify --accept (e.g. on a managed service without the drop guard)")
    List<String> accept = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        List<Certification.Accept> accepts = new ArrayList<>();
        for (String a : accept) {
            try {
                accepts.add(Certification.Accept.parse(a));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage(), "see pg-sor demo --help");
            }
        }
        ReconcilerDemo.Options options = new ReconcilerDemo.Options(loginPassword, accepts);
        ReconcilerDemo.Outcome outcome;
        if (url != null) {
            Database admin = ConnectionUrl.resolve(url, user, password);
            outcome = new ReconcilerDemo(admin, System.out, options).run();
            System.out.printf("%n== inspect it yourself: psql \"%s\" (with the logins' password above),%n"
                    + "   then: select sor_api.run_report('%s');%n", psqlUrl(admin.as(outcome.logins().auditor(), "")), outcome.crashedRun());
        } else {
            System.out.println("-- starting an embedded PostgreSQL server (thrown away when the demo ends)");
            try (EmbeddedServer server = EmbeddedServer.start(false)) {
                try (Connection c = server.admin("postgres").connect(); Statement st = c.createStatement()) {
                    st.execute("create database sor_demo");
                }
                outcome = new ReconcilerDemo(server.admin("sor_demo"), System.out, options).run();
            }
        }
        System.out.printf("%ndemo finished in %.1f s: %s%n", (System.nanoTime() - started) / 1e9,
                outcome.proven() ? "every proof holds" : "a proof failed (see above)");
        return outcome.proven() ? ExitCode.OK : ExitCode.CHECKS_FAILED;
    }

    /** A libpq URL psql takes, without a password. */
    private static String psqlUrl(Database db) {
        String rest = db.url().substring("jdbc:postgresql://".length());
        int q = rest.indexOf('?');
        return "postgresql://" + db.user() + "@" + (q < 0 ? rest : rest.substring(0, q));
    }
}
