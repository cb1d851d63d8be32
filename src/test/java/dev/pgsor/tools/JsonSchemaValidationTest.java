package dev.pgsor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The in-database JSON Schema validator: every supported keyword reports the path of the first violation. */
@SorTest(reconciler = true)
class JsonSchemaValidationTest {

    static final String SCHEMA = """
            {"type": "object", "required": ["amount", "currency"], "additionalProperties": false,
             "properties": {
               "amount": {"type": "number", "minimum": 0, "maximum": 10000},
               "fee": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 5},
               "currency": {"type": "string", "enum": ["EUR", "USD"]},
               "memo": {"type": "string", "minLength": 2, "maxLength": 10},
               "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$"},
               "count": {"type": "integer"},
               "kind": {"const": "expense"},
               "note": {"type": ["string", "null"]},
               "tags": {"type": "array", "minItems": 1, "maxItems": 2,
                        "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}},
               "meta": {"type": "object", "additionalProperties": {"type": "string"}}
             }}""";

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
    }

    private static List<List<Object>> violation(String value) {
        return Sql.rows(db.admin(), "select path, keyword from sor.json_schema_violation(?::jsonb, ?::jsonb)", SCHEMA, value);
    }

    @Test
    void validValuesPass() {
        assertThat(violation("{\"amount\": 5, \"currency\": \"EUR\"}")).isEmpty();
        assertThat(violation("""
                {"amount": 0, "currency": "USD", "fee": 4.99, "memo": "ok", "code": "ABC-12", "count": 3.0,
                 "kind": "expense", "note": null, "tags": [{"name": "x"}], "meta": {"a": "b"}}""")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "[1]                                                            | $             | type",
            "{\"currency\": \"EUR\"}                                       | $.amount      | required",
            "{\"amount\": 5}                                               | $.currency    | required",
            "{\"amount\": \"5\", \"currency\": \"EUR\"}                    | $.amount      | type",
            "{\"amount\": -1, \"currency\": \"EUR\"}                       | $.amount      | minimum",
            "{\"amount\": 10001, \"currency\": \"EUR\"}                    | $.amount      | maximum",
            "{\"amount\": 1, \"currency\": \"EUR\", \"fee\": 0}            | $.fee         | exclusiveMinimum",
            "{\"amount\": 1, \"currency\": \"EUR\", \"fee\": 5}            | $.fee         | exclusiveMaximum",
            "{\"amount\": 1, \"currency\": \"GBP\"}                        | $.currency    | enum",
            "{\"amount\": 1, \"currency\": \"EUR\", \"memo\": \"x\"}       | $.memo        | minLength",
            "{\"amount\": 1, \"currency\": \"EUR\", \"memo\": \"01234567890\"} | $.memo    | maxLength",
            "{\"amount\": 1, \"currency\": \"EUR\", \"code\": \"ab-1\"}    | $.code        | pattern",
            "{\"amount\": 1, \"currency\": \"EUR\", \"count\": 1.5}        | $.count       | type",
            "{\"amount\": 1, \"currency\": \"EUR\", \"kind\": \"income\"}  | $.kind        | const",
            "{\"amount\": 1, \"currency\": \"EUR\", \"note\": 3}           | $.note        | type",
            "{\"amount\": 1, \"currency\": \"EUR\", \"tags\": []}          | $.tags        | minItems",
            "{\"amount\": 1, \"currency\": \"EUR\", \"tags\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]} | $.tags | maxItems",
            "{\"amount\": 1, \"currency\": \"EUR\", \"tags\": [{\"name\": \"a\"}, {}]} | $.tags[1].name | required",
            "{\"amount\": 1, \"currency\": \"EUR\", \"tags\": [{\"name\": \"\"}]} | $.tags[0].name | minLength",
            "{\"amount\": 1, \"currency\": \"EUR\", \"extra\": true}       | $.extra       | additionalProperties",
            "{\"amount\": 1, \"currency\": \"EUR\", \"meta\": {\"odd key\": 1}} | $.meta[\"odd key\"] | type",
    })
    void eachKeywordReportsThePathOfTheFirstViolation(String value, String path, String keyword) {
        assertThat(violation(value)).containsExactly(List.of(path, keyword));
    }

    @Test
    void schemasWithKeywordsTheKitDoesNotEnforceAreFlagged() {
        assertThat(db.scalar("select sor.json_schema_problem('{\"type\": \"object\", \"properties\": {\"a\": {\"format\": \"email\"}}}')"))
                .isEqualTo("$.properties.a: unsupported keyword format");
        assertThat(db.scalar("select sor.json_schema_problem('{\"type\": \"object\", \"properties\": {\"a\": {\"pattern\": \"(\"}}}')"))
                .isEqualTo("$.properties.a: pattern is not a valid regular expression");
        assertThat(db.scalar("select sor.json_schema_problem(?::jsonb)", SCHEMA)).isNull();
    }
}
