package dev.pgsor.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.docs.PsqlScript.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The psql subset runnable blocks may use is split and interpolated as psql does it. */
class PsqlScriptTest {

    @Test
    void statementsEndAtSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        List<Statement> s = PsqlScript.split("""
                -- a comment; not a statement
                select 'a;b', "c;d" from t;  /* x; y */
                create function f() returns int language sql as $$ select 1; $$;
                select $tag$ ; $tag$, E'it\\'s;';
                """);
        assertThat(s).extracting(Statement::sql).containsExactly(
                "-- a comment; not a statement\nselect 'a;b', \"c;d\" from t",
                "/* x; y */\ncreate function f() returns int language sql as $$ select 1; $$",
                "select $tag$ ; $tag$, E'it\\'s;'");
        assertThat(s).extracting(Statement::line).containsExactly(2, 3, 4);
        assertThat(s).noneMatch(Statement::gset);
    }

    @Test
    void gsetEndsAStatementAndTakesAnOptionalPrefix() {
        List<Statement> s = PsqlScript.split("select 1 as a \\gset\nselect 2 as b\n  \\gset p_\nselect 3;\n");
        assertThat(s).extracting(Statement::sql).containsExactly("select 1 as a", "select 2 as b", "select 3");
        assertThat(s).extracting(Statement::gsetPrefix).containsExactly("", "p_", null);
    }

    @Test
    void otherMetaCommandsAndUnterminatedStatementsAreRefused() {
        assertThatThrownBy(() -> PsqlScript.split("\\c - alice\nselect 1;\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\\c");
        assertThatThrownBy(() -> PsqlScript.split("select 1;\nselect 2\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PsqlScript.split("\\gset\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a query");
    }

    @Test
    void variablesInterpolateAsPsqlDoes() {
        Map<String, String> v = Map.of("run_id", "6f1c", "n", "3", "who", "o'brien");
        assertThat(PsqlScript.interpolate("select :n, :'run_id', :\"who\", :'who', x::text, :unset, ':n', $$:n$$ -- :n",
                v)).isEqualTo("select 3, '6f1c', \"o'brien\", 'o''brien', x::text, :unset, ':n', $$:n$$ -- :n");
    }
}
