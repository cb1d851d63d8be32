package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.support.Repo;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/operate/cli.md's exit status table and pg-sor --help list exactly the statuses of ExitCode. */
class CliDocsTest {

    static List<Integer> exitCodes() throws IllegalAccessException {
        List<Integer> codes = new ArrayList<>();
        for (Field f : ExitCode.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                codes.add(f.getInt(null));
            }
        }
        return codes;
    }

    @Test
    void theDocumentedExitStatusesAreExactlyExitCodes() throws Exception {
        String doc = Files.readString(Repo.path("docs", "operate", "cli.md"), StandardCharsets.UTF_8);
        String table = doc.substring(doc.indexOf("## Exit status"), doc.indexOf("## Errors"));
        List<Integer> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(table);
        while (row.find()) {
            documented.add(Integer.parseInt(row.group(1)));
        }
        assertThat(documented).containsExactlyElementsOf(exitCodes());
    }

    @Test
    void helpListsEveryExitStatus() throws Exception {
        CliRunner.Run help = CliRunner.run("--help");
        assertThat(help.status()).isEqualTo(ExitCode.OK);
        for (int code : exitCodes()) {
            assertThat(help.out()).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
    }
}
