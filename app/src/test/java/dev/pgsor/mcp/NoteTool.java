package dev.pgsor.mcp;

import dev.pgsor.testkit.SorDatabase;

/**
 * The registry tool of the MCP tests: the kit owner's table {@code fixture.notes} (row level
 * security forced, as a domain table is) and a tool that stores a note, at once ({@code add_note})
 * or after the pause its {@code seconds} argument asks for ({@code slow_note}), callable by one
 * Worker kind.
 */
final class NoteTool {

    private NoteTool() { }

    /** {@code add_note(id, body)}: stores the note. */
    static void installAddNote(SorDatabase db, String workerKind) {
        install(db, "add_note", "Store a note.", "", "", workerKind);
    }

    /** {@code slow_note(id, body, seconds)}: sleeps, then stores the note. */
    static void installSlowNote(SorDatabase db, String workerKind) {
        install(db, "slow_note", "Store a note after a pause.",
                "  perform pg_catalog.pg_sleep((args ->> 'seconds')::float8);\n",
                ", \"seconds\": {\"type\": \"number\"}", workerKind);
    }

    private static void install(SorDatabase db, String name, String description, String pause, String pauseProperty,
                                String workerKind) {
        if (!workerKind.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a Worker kind is a slug: " + workerKind);
        }
        String required = pause.isEmpty() ? "[\"id\", \"body\"]" : "[\"id\", \"body\", \"seconds\"]";
        db.exec("create schema fixture authorization sor_owner;\n"
                + "set role sor_owner;\n"
                + "create table fixture.notes (tenant_id text not null, note_id int not null, body text not null,\n"
                + "  primary key (tenant_id, note_id));\n"
                + "alter table fixture.notes enable row level security;\n"
                + "alter table fixture.notes force row level security;\n"
                + "create policy notes_owner on fixture.notes to sor_owner using (true) with check (true);\n"
                + "create function fixture." + name + "(ctx jsonb, args jsonb) returns jsonb language plpgsql volatile\n"
                + "  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$\n"
                + "begin\n"
                + pause
                + "  insert into fixture.notes values (ctx ->> 'tenant_id', (args ->> 'id')::int, args ->> 'body');\n"
                + "  return jsonb_build_object('stored', args ->> 'body');\n"
                + "end $$;\n"
                + "select sor.register_tool('" + name + "', '" + description + "',\n"
                + "  '{\"type\": \"object\", \"required\": " + required + ", \"additionalProperties\": false,\n"
                + "    \"properties\": {\"id\": {\"type\": \"integer\"}, \"body\": {\"type\": \"string\"}" + pauseProperty + "}}',\n"
                + "  'fixture." + name + "(jsonb, jsonb)', array['" + workerKind + "']);\n"
                + "reset role;\n");
    }
}
