-- Generated with the manifest of pg-sor 0.4.0 (releases/0.4.0/manifest.json) by pg-sor release: do not edit.
-- Flyway runs this callback after every migrate (even when nothing was pending) of the kernel,
-- of the example domain, and of every module that adds this location to its own; it acts for the
-- kernel's and the example domain's history tables only. It closes the run the beforeMigrate
-- callback opened: an approved upgrade consumes its approval and is recorded as upgraded
-- (sor_api.releases); a fresh install, or the first run after an upgrade from a release before
-- 0.3.0, is recorded as installed. After the kernel's run it records the release's contract
-- snapshot (db/contract.txt), which sor_api.check_contract compares a client's with.
select pg_catalog.set_config('lock_timeout', '5s', true)
 where pg_catalog.current_setting('lock_timeout') = '0';
do $pgsor_release$
begin
  if pg_catalog.to_regprocedure('sor_guard.end_release(text,text,text,text)') is null then
    return;
  end if;
  perform sor_guard.end_release('${flyway:defaultSchema}.${flyway:table}','0.4.0', 'sha256:43a0867c965dcb153168f1dc8ee572598211dad013f9bf3753c770e5dd922379',
      pg_catalog.ltrim($pgsor_manifest$
{"manifest":"pg-sor release manifest 1","release":"0.4.0","postgres_major":17,"modules":{"kernel":["sor","sor_api","sor_guard"],"reconciler":["reconciler"]}}
{"script":"R__001_contract_version.sql","module":"kernel","type":"repeatable","checksum":661449129}
{"script":"R__002_domain_surface.sql","module":"kernel","type":"repeatable","checksum":-1541597706}
{"script":"R__003_versioned_functions.sql","module":"kernel","type":"repeatable","checksum":995651654}
{"script":"R__005_guard_register.sql","module":"kernel","type":"repeatable","checksum":585181247}
{"script":"R__010_current_tenants.sql","module":"kernel","type":"repeatable","checksum":386592083}
{"script":"R__011_values.sql","module":"kernel","type":"repeatable","checksum":-1526977556}
{"script":"R__012_leases.sql","module":"kernel","type":"repeatable","checksum":-1000193014}
{"script":"R__013_sessions.sql","module":"kernel","type":"repeatable","checksum":31669161}
{"script":"R__015_reserved_names.sql","module":"kernel","type":"repeatable","checksum":-1831032544}
{"script":"R__020_tenant_admin.sql","module":"kernel","type":"repeatable","checksum":312437105}
{"script":"R__030_views_tenancy.sql","module":"kernel","type":"repeatable","checksum":1246861095}
{"script":"R__035_views_guard.sql","module":"kernel","type":"repeatable","checksum":198614365}
{"script":"R__100_events_append.sql","module":"kernel","type":"repeatable","checksum":1647383870}
{"script":"R__101_events_batch.sql","module":"kernel","type":"repeatable","checksum":1399430783}
{"script":"R__105_partitions.sql","module":"kernel","type":"repeatable","checksum":-619321683}
{"script":"R__110_events_verify.sql","module":"kernel","type":"repeatable","checksum":-1226309146}
{"script":"R__115_ledger.sql","module":"kernel","type":"repeatable","checksum":-1262456815}
{"script":"R__120_views_events.sql","module":"kernel","type":"repeatable","checksum":1472003843}
{"script":"R__130_events_read.sql","module":"kernel","type":"repeatable","checksum":673337428}
{"script":"R__135_events_subscriptions.sql","module":"kernel","type":"repeatable","checksum":841417712}
{"script":"R__200_drop_guard_approvals.sql","module":"kernel","type":"repeatable","checksum":-318393162}
{"script":"R__204_release_window.sql","module":"kernel","type":"repeatable","checksum":1755726159}
{"script":"R__207_drop_guard_partitions.sql","module":"kernel","type":"repeatable","checksum":791851239}
{"script":"R__210_drop_guard.sql","module":"kernel","type":"repeatable","checksum":-2003983436}
{"script":"R__220_ddl_audit_append_only.sql","module":"kernel","type":"repeatable","checksum":605939425}
{"script":"R__300_journal_helpers.sql","module":"kernel","type":"repeatable","checksum":1239503663}
{"script":"R__310_journal_admin.sql","module":"kernel","type":"repeatable","checksum":-761014119}
{"script":"R__320_runs.sql","module":"kernel","type":"repeatable","checksum":-1710927233}
{"script":"R__330_turns.sql","module":"kernel","type":"repeatable","checksum":-894925972}
{"script":"R__340_tool_calls.sql","module":"kernel","type":"repeatable","checksum":-1404333369}
{"script":"R__350_commit_step.sql","module":"kernel","type":"repeatable","checksum":-1427470972}
{"script":"R__360_blocks.sql","module":"kernel","type":"repeatable","checksum":646870392}
{"script":"R__370_idempotency_sweep.sql","module":"kernel","type":"repeatable","checksum":-1631749878}
{"script":"R__380_journal_events.sql","module":"kernel","type":"repeatable","checksum":-572380903}
{"script":"R__390_views_journal.sql","module":"kernel","type":"repeatable","checksum":2034413639}
{"script":"R__400_retry_delay.sql","module":"kernel","type":"repeatable","checksum":-1622314834}
{"script":"R__410_queues.sql","module":"kernel","type":"repeatable","checksum":-2104777823}
{"script":"R__415_quotas.sql","module":"kernel","type":"repeatable","checksum":-515781306}
{"script":"R__420_enqueue_task.sql","module":"kernel","type":"repeatable","checksum":1677204397}
{"script":"R__421_claim_tasks.sql","module":"kernel","type":"repeatable","checksum":264866019}
{"script":"R__422_task_settle.sql","module":"kernel","type":"repeatable","checksum":714423952}
{"script":"R__423_task_admin.sql","module":"kernel","type":"repeatable","checksum":-908831155}
{"script":"R__424_run_tasks.sql","module":"kernel","type":"repeatable","checksum":-70693764}
{"script":"R__426_queue_metrics.sql","module":"kernel","type":"repeatable","checksum":1311604994}
{"script":"R__430_tasks_events.sql","module":"kernel","type":"repeatable","checksum":-850618891}
{"script":"R__450_enqueue_outbox.sql","module":"kernel","type":"repeatable","checksum":-1238966718}
{"script":"R__451_lease_outbox.sql","module":"kernel","type":"repeatable","checksum":-1129746288}
{"script":"R__452_outbox_mark.sql","module":"kernel","type":"repeatable","checksum":1747587753}
{"script":"R__453_outbox_admin.sql","module":"kernel","type":"repeatable","checksum":-1236000633}
{"script":"R__460_outbox_events.sql","module":"kernel","type":"repeatable","checksum":-194264680}
{"script":"R__500_json_schema.sql","module":"kernel","type":"repeatable","checksum":-1351577346}
{"script":"R__510_tools.sql","module":"kernel","type":"repeatable","checksum":-635373497}
{"script":"R__600_forensics_access.sql","module":"kernel","type":"repeatable","checksum":1095418427}
{"script":"R__610_run_report_facts.sql","module":"kernel","type":"repeatable","checksum":-1792501763}
{"script":"R__620_run_report.sql","module":"kernel","type":"repeatable","checksum":-585618647}
{"script":"R__630_run_timeline.sql","module":"kernel","type":"repeatable","checksum":-1426352838}
{"script":"R__640_what_happened.sql","module":"kernel","type":"repeatable","checksum":870474574}
{"script":"R__800_certify.sql","module":"kernel","type":"repeatable","checksum":1904074838}
{"script":"R__810_certify_foundation.sql","module":"kernel","type":"repeatable","checksum":-372864574}
{"script":"R__820_certify_events.sql","module":"kernel","type":"repeatable","checksum":1131117992}
{"script":"R__830_certify_guard.sql","module":"kernel","type":"repeatable","checksum":-1519851255}
{"script":"R__840_certify_journal.sql","module":"kernel","type":"repeatable","checksum":733432173}
{"script":"R__850_certify_claims.sql","module":"kernel","type":"repeatable","checksum":-2105557085}
{"script":"R__860_certify_tools.sql","module":"kernel","type":"repeatable","checksum":-1004072523}
{"script":"R__870_certify_capstone.sql","module":"kernel","type":"repeatable","checksum":2019232573}
{"script":"R__880_certify_volume.sql","module":"kernel","type":"repeatable","checksum":-241984213}
{"script":"R__885_certify_bodies.sql","module":"kernel","type":"repeatable","checksum":-325645845}
{"script":"R__887_certify_surface.sql","module":"kernel","type":"repeatable","checksum":1919142024}
{"script":"R__890_policies_contract.sql","module":"kernel","type":"repeatable","checksum":-1217191939}
{"script":"R__895_policies_guard.sql","module":"kernel","type":"repeatable","checksum":-1482007237}
{"script":"R__900_policies_tenancy.sql","module":"kernel","type":"repeatable","checksum":-1440452986}
{"script":"R__901_policies_leases.sql","module":"kernel","type":"repeatable","checksum":377883973}
{"script":"R__905_policies_storage.sql","module":"kernel","type":"repeatable","checksum":1539522456}
{"script":"R__910_policies_events.sql","module":"kernel","type":"repeatable","checksum":-122833674}
{"script":"R__912_policies_subscriptions.sql","module":"kernel","type":"repeatable","checksum":1681030880}
{"script":"R__920_policies_drop_guard.sql","module":"kernel","type":"repeatable","checksum":-315769626}
{"script":"R__921_drop_guard_event_triggers.sql","module":"kernel","type":"repeatable","checksum":1208934562}
{"script":"R__930_policies_journal.sql","module":"kernel","type":"repeatable","checksum":473778640}
{"script":"R__940_policies_outbox.sql","module":"kernel","type":"repeatable","checksum":-1545277811}
{"script":"R__941_policies_tasks.sql","module":"kernel","type":"repeatable","checksum":381247492}
{"script":"R__945_policies_partitions.sql","module":"kernel","type":"repeatable","checksum":645971129}
{"script":"R__950_policies_tools.sql","module":"kernel","type":"repeatable","checksum":-1644650131}
{"script":"R__960_policies_forensics.sql","module":"kernel","type":"repeatable","checksum":436345069}
{"script":"R__990_retired.sql","module":"kernel","type":"repeatable","checksum":1327140810}
{"script":"V001__roles_schemas_baseline.sql","module":"kernel","type":"versioned","version":"001","checksum":-1033159032}
{"script":"V002__tenants.sql","module":"kernel","type":"versioned","version":"002","checksum":-1886167981}
{"script":"V003__policy_helper.sql","module":"kernel","type":"versioned","version":"003","checksum":-834117787}
{"script":"V010__events.sql","module":"kernel","type":"versioned","version":"010","checksum":-999992927}
{"script":"V011__append_only_registry.sql","module":"kernel","type":"versioned","version":"011","checksum":-409517983}
{"script":"V020__drop_guard.sql","module":"kernel","type":"versioned","version":"020","checksum":-2076576715}
{"script":"V030__journal.sql","module":"kernel","type":"versioned","version":"030","checksum":-711344786}
{"script":"V040__outbox.sql","module":"kernel","type":"versioned","version":"040","checksum":1019276055}
{"script":"V041__tasks.sql","module":"kernel","type":"versioned","version":"041","checksum":1288569423}
{"script":"V042__outbox_dispatch.sql","module":"kernel","type":"versioned","version":"042","checksum":343498267}
{"script":"V050__tools.sql","module":"kernel","type":"versioned","version":"050","checksum":-508774986}
{"script":"V060__governance.sql","module":"kernel","type":"versioned","version":"060","checksum":-794116519}
{"script":"V061__event_core.sql","module":"kernel","type":"versioned","version":"061","checksum":-284825525}
{"script":"V080__outbox_cdc_releases.sql","module":"kernel","type":"versioned","version":"080","checksum":-2010835784}
{"script":"V081__hot_queues.sql","module":"kernel","type":"versioned","version":"081","checksum":1355482170}
{"script":"V082__upgrade_from_0_1_0.sql","module":"kernel","type":"versioned","version":"082","checksum":-1378453581}
{"script":"V083__kit_partitions.sql","module":"kernel","type":"versioned","version":"083","checksum":-1860727824}
{"script":"V084__release_approvals.sql","module":"kernel","type":"versioned","version":"084","checksum":1970524409}
{"script":"V085__contracts.sql","module":"kernel","type":"versioned","version":"085","checksum":266829994}
{"script":"V090__lean_claims_and_quotas.sql","module":"kernel","type":"versioned","version":"090","checksum":66966415}
{"script":"V092__events_chain_per_statement.sql","module":"kernel","type":"versioned","version":"092","checksum":-1863118722}
{"script":"V100__subscriptions.sql","module":"kernel","type":"versioned","version":"100","checksum":97306944}
{"script":"V101__resumable_runs.sql","module":"kernel","type":"versioned","version":"101","checksum":-1430243531}
{"script":"V102__event_keys.sql","module":"kernel","type":"versioned","version":"102","checksum":1322705844}
{"script":"V103__run_tasks.sql","module":"kernel","type":"versioned","version":"103","checksum":-1603988369}
{"script":"V105__event_keys_key_format.sql","module":"kernel","type":"versioned","version":"105","checksum":-387579669}
{"script":"V106__tenant_reader_horizon.sql","module":"kernel","type":"versioned","version":"106","checksum":89205073}
{"script":"V107__tasks_quota_per_statement.sql","module":"kernel","type":"versioned","version":"107","checksum":147879886}
{"script":"V108__events_index_covered_by_key.sql","module":"kernel","type":"versioned","version":"108","checksum":-1446797051}
{"script":"V109__queue_completion_record.sql","module":"kernel","type":"versioned","version":"109","checksum":353746762}
{"script":"V110__wakeup_channel_secret.sql","module":"kernel","type":"versioned","version":"110","checksum":389468870}
{"script":"V111__outbox_broadcast.sql","module":"kernel","type":"versioned","version":"111","checksum":1973718718}
{"script":"V112__task_listeners_by_login.sql","module":"kernel","type":"versioned","version":"112","checksum":-2107414973}
{"script":"V113__runs_sweep_at.sql","module":"kernel","type":"versioned","version":"113","checksum":1105632000}
{"script":"V114__runs_by_worker_and_status.sql","module":"kernel","type":"versioned","version":"114","checksum":-1260456135}
{"script":"V115__tool_calls_by_run_and_id.sql","module":"kernel","type":"versioned","version":"115","checksum":1009599486}
{"script":"afterMigrateError__pgsor_release.sql","module":"kernel","type":"callback","sha256":"a8fbdcd7305209853a18d0f711d17d3ce0e71af718caf6d1fb0961383550b38d"}
{"script":"afterMigrate__pgsor_register.sql","module":"kernel","type":"callback","sha256":"711506fd0f16fd4a582e9cd497bb7735b45955da99ce116a483db67557ca5868"}
{"script":"beforeEachMigrate__pgsor_lock_timeout.sql","module":"kernel","type":"callback","sha256":"d1e123f5acefa2f1ba1f98fcf12764cc8e53fdcabadc5f83e4f8f9ae6121f25c"}
{"script":"beforeEachMigrate__pgsor_upgrade.sql","module":"kernel","type":"callback","sha256":"6406ade2c4a9974c12c66b8b745d8fd4280a31ce148f2800f5a23fdea9fb5cf3"}
{"script":"beforeMigrate__pgsor_roles.sql","module":"kernel","type":"callback","sha256":"86f350cd090aa47cc850a410ee6cc728fb136268493c88f893a7643814e8a712"}
{"script":"R__100_reconciler_ingest.sql","module":"reconciler","type":"repeatable","checksum":2080596459}
{"script":"R__200_reconciler_tools.sql","module":"reconciler","type":"repeatable","checksum":2004439449}
{"script":"R__300_reconciler_setup.sql","module":"reconciler","type":"repeatable","checksum":596375425}
{"script":"R__900_policies_reconciler.sql","module":"reconciler","type":"repeatable","checksum":655114423}
{"script":"V001__reconciler_schema.sql","module":"reconciler","type":"versioned","version":"001","checksum":1514223329}
{"script":"V002__reconciler_queue.sql","module":"reconciler","type":"versioned","version":"002","checksum":303236767}
{"script":"afterMigrateError__pgsor_release.sql","module":"reconciler","type":"callback","sha256":"a8fbdcd7305209853a18d0f711d17d3ce0e71af718caf6d1fb0961383550b38d"}
{"script":"afterMigrate__pgsor_register.sql","module":"reconciler","type":"callback","sha256":"711506fd0f16fd4a582e9cd497bb7735b45955da99ce116a483db67557ca5868"}
{"script":"beforeEachMigrate__pgsor_lock_timeout.sql","module":"reconciler","type":"callback","sha256":"d1e123f5acefa2f1ba1f98fcf12764cc8e53fdcabadc5f83e4f8f9ae6121f25c"}
{"script":"beforeEachMigrate__pgsor_upgrade.sql","module":"reconciler","type":"callback","sha256":"6406ade2c4a9974c12c66b8b745d8fd4280a31ce148f2800f5a23fdea9fb5cf3"}
{"script":"beforeMigrate__pgsor_roles.sql","module":"reconciler","type":"callback","sha256":"86f350cd090aa47cc850a410ee6cc728fb136268493c88f893a7643814e8a712"}
{"object":"column reconciler.categories.category_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.categories.label","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.categories.tenant_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.category_rules.category_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.category_rules.pattern","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.category_rules.rule_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column reconciler.category_rules.tenant_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.account_holder","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.amount","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"numeric(12,2)"}}
{"object":"column reconciler.expenses.bank_txn_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.booked_on","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"date"}}
{"object":"column reconciler.expenses.category_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.currency","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"character(3)"}}
{"object":"column reconciler.expenses.description","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.expense_id","module":"reconciler","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column reconciler.expenses.recorded_at","module":"reconciler","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column reconciler.expenses.recorded_by","module":"reconciler","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column reconciler.expenses.run_id","module":"reconciler","attrs":{"acl":[],"not_null":false,"type":"uuid"}}
{"object":"column reconciler.expenses.tenant_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.expenses.tool_call_id","module":"reconciler","attrs":{"acl":[],"not_null":false,"type":"uuid"}}
{"object":"column reconciler.pending_transactions.account_holder","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.pending_transactions.amount","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"numeric(12,2)"}}
{"object":"column reconciler.pending_transactions.bank_txn_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.pending_transactions.booked_on","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"date"}}
{"object":"column reconciler.pending_transactions.currency","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"character(3)"}}
{"object":"column reconciler.pending_transactions.description","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.pending_transactions.holder_email","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column reconciler.pending_transactions.ingested_at","module":"reconciler","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column reconciler.pending_transactions.status","module":"reconciler","attrs":{"acl":[],"default":"'pending'::text","not_null":true,"type":"text"}}
{"object":"column reconciler.pending_transactions.tenant_id","module":"reconciler","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.append_only_tables.registered_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.append_only_tables.registered_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.append_only_tables.table_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.append_only_tables.table_schema","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.blocks.approved","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"boolean"}}
{"object":"column sor.blocks.block_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor.blocks.command","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"jsonb"}}
{"object":"column sor.blocks.kind","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.blocks.note","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.blocks.opened_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.blocks.resolved_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.blocks.resolved_by","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"name"}}
{"object":"column sor.blocks.run_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"uuid"}}
{"object":"column sor.blocks.status","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'active'::text","not_null":true,"type":"text"}}
{"object":"column sor.blocks.step_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.blocks.tenant_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_approvals.approval_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor.ddl_approvals.approved_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ddl_approvals.approved_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.ddl_approvals.consumed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.ddl_approvals.consumed_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.ddl_approvals.consumed_statement","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.ddl_approvals.expires_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ddl_approvals.object_identity","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_approvals.operation","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_approvals.rehearsed_on","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_approvals.ticket","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.approval_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.ddl_audit.audit_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor.ddl_audit.command_tag","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.definition_sha256","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.ddl_audit.object_identity","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.occurred_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ddl_audit.operation","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.outcome","module":"kernel","attrs":{"acl":[],"default":"'allowed'::text","not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.session_role","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.ddl_audit.set_role","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.ddl_audit.statement","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.ddl_audit.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor.dedupe_keys.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.dedupe_keys.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.dedupe_keys.scope","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.dedupe_keys.target_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.dedupe_keys.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.domain_schemas.registered_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.domain_schemas.schema_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.event_keys.\"position\"","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.event_keys.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.event_keys.fingerprint","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.event_keys.hash","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.event_keys.idempotency_key","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.event_keys.stream","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.event_keys.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.event_keys.version","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"integer"}}
{"object":"column sor.events.\"position\"","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"bigint"}}
{"object":"column sor.events.actor","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.events.hash","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"bytea"}}
{"object":"column sor.events.metadata","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events.occurred_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.events.payload","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events.prev_hash","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bytea"}}
{"object":"column sor.events.stream","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.events.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.events.tx_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor.events.type","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.events.version","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.events_default.\"position\"","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.events_default.actor","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.events_default.hash","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.events_default.metadata","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events_default.occurred_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.events_default.payload","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events_default.prev_hash","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.events_default.stream","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_default.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_default.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor.events_default.type","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_default.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.events_p{YYYYMM}.\"position\"","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.events_p{YYYYMM}.actor","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.events_p{YYYYMM}.hash","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.events_p{YYYYMM}.metadata","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events_p{YYYYMM}.occurred_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.events_p{YYYYMM}.payload","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.events_p{YYYYMM}.prev_hash","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.events_p{YYYYMM}.stream","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_p{YYYYMM}.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_p{YYYYMM}.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor.events_p{YYYYMM}.type","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.events_p{YYYYMM}.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks.attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks.claimed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks.claimed_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.finished_tasks.completion_event","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.finished_tasks.created_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks.created_by","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.finished_tasks.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks.fencing_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.finished_tasks.finished_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks.max_attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks.payload","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"jsonb"}}
{"object":"column sor.finished_tasks.priority","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks.queue","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks.result","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"jsonb"}}
{"object":"column sor.finished_tasks.status","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks.subject","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks.task_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.finished_tasks.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_default.attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_default.claimed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_default.claimed_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.finished_tasks_default.completion_event","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.finished_tasks_default.created_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_default.created_by","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.finished_tasks_default.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks_default.fencing_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.finished_tasks_default.finished_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_default.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks_default.max_attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_default.payload","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"jsonb"}}
{"object":"column sor.finished_tasks_default.priority","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_default.queue","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_default.result","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"jsonb"}}
{"object":"column sor.finished_tasks_default.status","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_default.subject","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_default.task_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.finished_tasks_default.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.claimed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.claimed_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.completion_event","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.created_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.created_by","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.fencing_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.finished_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.max_attempts","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.payload","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"jsonb"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.priority","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.queue","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.result","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"jsonb"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.status","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.subject","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.task_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.finished_tasks_p{YYYYMM}.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.idempotency_keys.created_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.idempotency_keys.created_by","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.idempotency_keys.expires_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.idempotency_keys.fingerprint","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":true,"type":"bytea"}}
{"object":"column sor.idempotency_keys.idempotency_key","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.idempotency_keys.run_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":false,"type":"uuid"}}
{"object":"column sor.idempotency_keys.scope","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.idempotency_keys.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.idempotency_keys.tool_call_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"not_null":false,"type":"uuid"}}
{"object":"column sor.ledger_blocks.block_hash","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.ledger_blocks.block_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.ledger_blocks.events","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.ledger_blocks.events_sha256","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.ledger_blocks.first_occurred_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ledger_blocks.first_position","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.ledger_blocks.from_tx","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"xid8"}}
{"object":"column sor.ledger_blocks.last_occurred_at","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ledger_blocks.last_position","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.ledger_blocks.prev_block_hash","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.ledger_blocks.sealed_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.ledger_blocks.sealed_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.ledger_blocks.to_tx","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"xid8"}}
{"object":"column sor.outbox.aggregate_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox.aggregate_type","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox.attempts","module":"kernel","attrs":{"acl":[],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.outbox.available_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox.block_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.outbox.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox.dispatched_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox.event_id","module":"kernel","attrs":{"acl":[],"default":"gen_random_uuid()","not_null":true,"type":"uuid"}}
{"object":"column sor.outbox.headers","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox.lease_expires_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox.lease_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox.leased_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.outbox.max_attempts","module":"kernel","attrs":{"acl":[],"default":"8","not_null":true,"type":"integer"}}
{"object":"column sor.outbox.outbox_id","module":"kernel","attrs":{"acl":[],"default":"nextval('sor.outbox_ids'::regclass)","not_null":true,"type":"bigint"}}
{"object":"column sor.outbox.payload","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox.provider_ref","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox.run_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"uuid"}}
{"object":"column sor.outbox.status","module":"kernel","attrs":{"acl":[],"default":"'pending'::text","not_null":true,"type":"text"}}
{"object":"column sor.outbox.step_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox.topic","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.aggregate_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.aggregate_type","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.attempts","module":"kernel","attrs":{"acl":[],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.outbox_default.available_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_default.block_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox_default.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_default.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.outbox_default.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.dispatched_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_default.event_id","module":"kernel","attrs":{"acl":[],"default":"gen_random_uuid()","not_null":true,"type":"uuid"}}
{"object":"column sor.outbox_default.headers","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox_default.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_default.lease_expires_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_default.lease_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox_default.leased_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.outbox_default.max_attempts","module":"kernel","attrs":{"acl":[],"default":"8","not_null":true,"type":"integer"}}
{"object":"column sor.outbox_default.outbox_id","module":"kernel","attrs":{"acl":[],"default":"nextval('sor.outbox_ids'::regclass)","not_null":true,"type":"bigint"}}
{"object":"column sor.outbox_default.payload","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox_default.provider_ref","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_default.run_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"uuid"}}
{"object":"column sor.outbox_default.status","module":"kernel","attrs":{"acl":[],"default":"'pending'::text","not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.step_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_default.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_default.topic","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.aggregate_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.aggregate_type","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.attempts","module":"kernel","attrs":{"acl":[],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.outbox_p{YYYYMM}.available_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_p{YYYYMM}.block_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox_p{YYYYMM}.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_p{YYYYMM}.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.outbox_p{YYYYMM}.dedupe_key","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.dispatched_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_p{YYYYMM}.event_id","module":"kernel","attrs":{"acl":[],"default":"gen_random_uuid()","not_null":true,"type":"uuid"}}
{"object":"column sor.outbox_p{YYYYMM}.headers","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox_p{YYYYMM}.last_error","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.lease_expires_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.outbox_p{YYYYMM}.lease_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.outbox_p{YYYYMM}.leased_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.outbox_p{YYYYMM}.max_attempts","module":"kernel","attrs":{"acl":[],"default":"8","not_null":true,"type":"integer"}}
{"object":"column sor.outbox_p{YYYYMM}.outbox_id","module":"kernel","attrs":{"acl":[],"default":"nextval('sor.outbox_ids'::regclass)","not_null":true,"type":"bigint"}}
{"object":"column sor.outbox_p{YYYYMM}.payload","module":"kernel","attrs":{"acl":[],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.outbox_p{YYYYMM}.provider_ref","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.run_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"uuid"}}
{"object":"column sor.outbox_p{YYYYMM}.status","module":"kernel","attrs":{"acl":[],"default":"'pending'::text","not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.step_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.outbox_p{YYYYMM}.topic","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.queues.backoff_base","module":"kernel","attrs":{"acl":[],"default":"'00:00:01'::interval","not_null":true,"type":"interval"}}
{"object":"column sor.queues.backoff_max","module":"kernel","attrs":{"acl":[],"default":"'01:00:00'::interval","not_null":true,"type":"interval"}}
{"object":"column sor.queues.completion_record","module":"kernel","attrs":{"acl":[],"default":"'event'::text","not_null":true,"type":"text"}}
{"object":"column sor.queues.completion_record_set_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.queues.completion_record_set_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.queues.created_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.queues.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.queues.description","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.queues.max_attempts","module":"kernel","attrs":{"acl":[],"default":"5","not_null":true,"type":"integer"}}
{"object":"column sor.queues.queue","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.quota_defaults.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.quota_defaults.max_pending","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.quota_defaults.set_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.quota_defaults.set_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.reserved_names.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.reserved_names.name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.reserved_names.reserved_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.reserved_names.reserved_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.retention_policies.keep","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"interval"}}
{"object":"column sor.retention_policies.reason","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retention_policies.set_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.retention_policies.set_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.retention_policies.table_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_partitions.approval_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.retired_partitions.content_sha256","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.retired_partitions.parent_table","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_partitions.partition_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_partitions.range_from","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.retired_partitions.range_to","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.retired_partitions.retired_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.retired_partitions.retired_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.retired_partitions.row_count","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.retired_stream_heads.\"position\"","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.retired_stream_heads.hash","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bytea"}}
{"object":"column sor.retired_stream_heads.partition_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_stream_heads.stream","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_stream_heads.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.retired_stream_heads.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.run_tasks.fencing_token","module":"kernel","attrs":{"acl":[],"default":"0","not_null":true,"type":"bigint"}}
{"object":"column sor.run_tasks.link","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.run_tasks.linked_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.run_tasks.run_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"uuid"}}
{"object":"column sor.run_tasks.task_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.run_tasks.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.runs.\"overlay\"","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.runs.error","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.runs.error_sha256","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bytea"}}
{"object":"column sor.runs.fencing_token","module":"kernel","attrs":{"acl":[],"default":"1","not_null":true,"type":"bigint"}}
{"object":"column sor.runs.finished_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.runs.hash_only","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"false","not_null":true,"type":"boolean"}}
{"object":"column sor.runs.heartbeat_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.runs.idempotency_key","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.runs.input","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.runs.input_sha256","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"bytea"}}
{"object":"column sor.runs.last_step_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.runs.lease_expires_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.runs.lease_seconds","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.runs.resumed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.runs.resumed_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.runs.run_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"gen_random_uuid()","not_null":true,"type":"uuid"}}
{"object":"column sor.runs.started_at","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.runs.state","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.runs.status","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'running'::text","not_null":true,"type":"text"}}
{"object":"column sor.runs.sweep_at","module":"kernel","attrs":{"acl":[],"default":"'-infinity'::timestamp with time zone","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.runs.tenant_id","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.runs.version","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.runs.worker_kind","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.runs.worker_role","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"name"}}
{"object":"column sor.runs.workflow","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.steps.block_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bigint"}}
{"object":"column sor.steps.command_count","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.steps.committed_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.steps.committed_by","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.steps.event_count","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.steps.output","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"jsonb"}}
{"object":"column sor.steps.run_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"uuid"}}
{"object":"column sor.steps.step_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.steps.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.steps.version","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.streams.last_hash","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bytea"}}
{"object":"column sor.streams.last_position","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.streams.stream","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.streams.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.streams.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.subscriptions.acked_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.subscriptions.acked_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.subscriptions.created_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.subscriptions.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.subscriptions.last_position","module":"kernel","attrs":{"acl":[],"default":"0","not_null":true,"type":"bigint"}}
{"object":"column sor.subscriptions.last_tx_id","module":"kernel","attrs":{"acl":[],"default":"'0'::xid8","not_null":true,"type":"xid8"}}
{"object":"column sor.subscriptions.name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.subscriptions.stream_prefix","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor.subscriptions.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.task_listeners.listened_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.task_listeners.pid","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"integer"}}
{"object":"column sor.task_listeners.queue","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.task_listeners.role_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"name"}}
{"object":"column sor.task_listeners.tenant_ids","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text[]"}}
{"object":"column sor.tasks.attempts","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.tasks.claimed_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.tasks.claimed_by","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"name"}}
{"object":"column sor.tasks.created_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tasks.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tasks.dedupe_key","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.tasks.fencing_token","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor.tasks.finished_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.tasks.last_error","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.tasks.lease","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"interval"}}
{"object":"column sor.tasks.lease_expires_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.tasks.max_attempts","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.tasks.payload","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'{}'::jsonb","not_null":true,"type":"jsonb"}}
{"object":"column sor.tasks.priority","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.tasks.queue","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tasks.result","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.tasks.run_after","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tasks.status","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'ready'::text","not_null":true,"type":"text"}}
{"object":"column sor.tasks.subject","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tasks.task_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor.tasks.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_members.added_at","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tenant_members.added_by","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tenant_members.role_name","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"name"}}
{"object":"column sor.tenant_members.tenant_id","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_quotas.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_quotas.max_pending","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.tenant_quotas.set_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tenant_quotas.set_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tenant_quotas.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_settings.hash_only","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"false","not_null":true,"type":"boolean"}}
{"object":"column sor.tenant_settings.idempotency_retention","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"'24:00:00'::interval","not_null":true,"type":"interval"}}
{"object":"column sor.tenant_settings.tenant_id","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_settings.updated_at","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tenant_settings.updated_by","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tenant_usage.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.tenant_usage.pending","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"bigint"}}
{"object":"column sor.tenant_usage.slot","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"smallint"}}
{"object":"column sor.tenant_usage.tenant_id","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.tenants.created_at","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tenants.created_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tenants.display_name","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tenants.tenant_id","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tool_calls.args","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.tool_calls.args_sha256","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"bytea"}}
{"object":"column sor.tool_calls.error","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.tool_calls.error_sha256","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bytea"}}
{"object":"column sor.tool_calls.fencing_token","module":"kernel","attrs":{"acl":[],"default":"1","not_null":true,"type":"bigint"}}
{"object":"column sor.tool_calls.finished_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.tool_calls.hash_only","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"false","not_null":true,"type":"boolean"}}
{"object":"column sor.tool_calls.idempotency_key","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.tool_calls.result","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"jsonb"}}
{"object":"column sor.tool_calls.result_sha256","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bytea"}}
{"object":"column sor.tool_calls.run_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"uuid"}}
{"object":"column sor.tool_calls.started_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tool_calls.status","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"'started'::text","not_null":true,"type":"text"}}
{"object":"column sor.tool_calls.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tool_calls.tool_call_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"gen_random_uuid()","not_null":true,"type":"uuid"}}
{"object":"column sor.tool_calls.tool_name","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.tools.allowed_kinds","module":"kernel","attrs":{"acl":[],"default":"'{}'::text[]","not_null":true,"type":"text[]"}}
{"object":"column sor.tools.description","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.tools.enabled","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.tools.function_oid","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"regprocedure"}}
{"object":"column sor.tools.input_schema","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"jsonb"}}
{"object":"column sor.tools.registered_at","module":"kernel","attrs":{"acl":[],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.tools.registered_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.tools.side_effects","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.tools.tool_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor.turns.content","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"text"}}
{"object":"column sor.turns.content_sha256","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":false,"type":"bytea"}}
{"object":"column sor.turns.hash_only","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"false","not_null":true,"type":"boolean"}}
{"object":"column sor.turns.input_tokens","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.turns.model","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.turns.output_tokens","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"0","not_null":true,"type":"integer"}}
{"object":"column sor.turns.recorded_at","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.turns.role","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.turns.run_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"uuid"}}
{"object":"column sor.turns.tenant_id","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.turns.turn_no","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"not_null":true,"type":"integer"}}
{"object":"column sor.wakeup_secret.outbox_broadcast","module":"kernel","attrs":{"acl":[],"default":"false","not_null":true,"type":"boolean"}}
{"object":"column sor.wakeup_secret.outbox_broadcast_set_at","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"timestamp with time zone"}}
{"object":"column sor.wakeup_secret.outbox_broadcast_set_by","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"name"}}
{"object":"column sor.wakeup_secret.rotated_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.wakeup_secret.rotated_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.wakeup_secret.secret","module":"kernel","attrs":{"acl":[],"default":"decode((replace((gen_random_uuid())::text, '-'::text, ''::text) || replace((gen_random_uuid())::text, '-'::text, ''::text)), 'hex'::text)","not_null":true,"type":"bytea"}}
{"object":"column sor.wakeup_secret.singleton","module":"kernel","attrs":{"acl":[],"default":"true","not_null":true,"type":"boolean"}}
{"object":"column sor.workers.kind","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"not_null":true,"type":"text"}}
{"object":"column sor.workers.registered_at","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"now()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor.workers.registered_by","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor.workers.role_name","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"not_null":true,"type":"name"}}
{"object":"column sor_guard.classes.class","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.classes.declared_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor_guard.classes.declared_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor_guard.classes.identity","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.classes.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.contracts.contract","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.contracts.digest","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.contracts.entry_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor_guard.contracts.recorded_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor_guard.contracts.recorded_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor_guard.contracts.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.kit_partitions.approval_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor_guard.kit_partitions.bound","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor_guard.kit_partitions.entry_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor_guard.kit_partitions.event","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.kit_partitions.parent_table","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.kit_partitions.partition_name","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.kit_partitions.recorded_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor_guard.kit_partitions.recorded_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor_guard.kit_partitions.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor_guard.register.approval_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor_guard.register.entry_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor_guard.register.identity","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.register.kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.register.objid","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"oid"}}
{"object":"column sor_guard.register.present","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"boolean"}}
{"object":"column sor_guard.register.reason","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.register.recorded_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor_guard.register.recorded_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor_guard.register.root_kind","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.register.root_objid","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"oid"}}
{"object":"column sor_guard.register.spec","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"jsonb"}}
{"object":"column sor_guard.register.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor_guard.releases.allowed","module":"kernel","attrs":{"acl":[],"default":"'{}'::text[]","not_null":true,"type":"text[]"}}
{"object":"column sor_guard.releases.approval_id","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"bigint"}}
{"object":"column sor_guard.releases.digest","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.releases.entry_id","module":"kernel","attrs":{"acl":[],"identity":"always","not_null":true,"type":"bigint"}}
{"object":"column sor_guard.releases.event","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.releases.from_digest","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor_guard.releases.from_version","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor_guard.releases.history","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.releases.manifest","module":"kernel","attrs":{"acl":[],"not_null":false,"type":"text"}}
{"object":"column sor_guard.releases.module","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"column sor_guard.releases.recorded_at","module":"kernel","attrs":{"acl":[],"default":"clock_timestamp()","not_null":true,"type":"timestamp with time zone"}}
{"object":"column sor_guard.releases.recorded_by","module":"kernel","attrs":{"acl":[],"default":"SESSION_USER","not_null":true,"type":"name"}}
{"object":"column sor_guard.releases.tx_id","module":"kernel","attrs":{"acl":[],"default":"pg_current_xact_id()","not_null":true,"type":"xid8"}}
{"object":"column sor_guard.releases.version","module":"kernel","attrs":{"acl":[],"not_null":true,"type":"text"}}
{"object":"constraint append_only_tables_pkey on sor.append_only_tables","module":"kernel","attrs":{"definition":"PRIMARY KEY (table_schema, table_name)","type":"primary key","validated":true}}
{"object":"constraint blocks_kind_check on sor.blocks","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['review'::text, 'suspend'::text])))","type":"check","validated":true}}
{"object":"constraint blocks_note_length on sor.blocks","module":"kernel","attrs":{"definition":"CHECK (((note IS NULL) OR (length(note) <= 2000)))","type":"check","validated":true}}
{"object":"constraint blocks_pkey on sor.blocks","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, block_id)","type":"primary key","validated":true}}
{"object":"constraint blocks_resolved_check on sor.blocks","module":"kernel","attrs":{"definition":"CHECK (((status = 'active'::text) = ((resolved_at IS NULL) AND (resolved_by IS NULL) AND (approved IS NULL))))","type":"check","validated":true}}
{"object":"constraint blocks_run_fkey on sor.blocks","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id)","type":"foreign key","validated":true}}
{"object":"constraint blocks_status_check on sor.blocks","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['active'::text, 'approved'::text, 'rejected'::text])))","type":"check","validated":true}}
{"object":"constraint categories_id_format on reconciler.categories","module":"reconciler","attrs":{"definition":"CHECK ((category_id ~ '^[a-z][a-z0-9_]{0,39}$'::text))","type":"check","validated":true}}
{"object":"constraint categories_pkey on reconciler.categories","module":"reconciler","attrs":{"definition":"PRIMARY KEY (tenant_id, category_id)","type":"primary key","validated":true}}
{"object":"constraint categories_tenant_fkey on reconciler.categories","module":"reconciler","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint category_rules_category_fkey on reconciler.category_rules","module":"reconciler","attrs":{"definition":"FOREIGN KEY (tenant_id, category_id) REFERENCES reconciler.categories(tenant_id, category_id)","type":"foreign key","validated":true}}
{"object":"constraint category_rules_pkey on reconciler.category_rules","module":"reconciler","attrs":{"definition":"PRIMARY KEY (tenant_id, rule_id)","type":"primary key","validated":true}}
{"object":"constraint classes_class_check on sor_guard.classes","module":"kernel","attrs":{"definition":"CHECK ((class = ANY (ARRAY['refusal'::text, 'chain'::text, 'audit'::text, 'tenancy'::text, 'guard'::text, 'reader'::text, 'queue'::text, 'dedupe'::text])))","type":"check","validated":true}}
{"object":"constraint classes_kind_check on sor_guard.classes","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['table'::text, 'function'::text, 'constraint'::text, 'index'::text])))","type":"check","validated":true}}
{"object":"constraint classes_pkey on sor_guard.classes","module":"kernel","attrs":{"definition":"PRIMARY KEY (kind, identity, class)","type":"primary key","validated":true}}
{"object":"constraint contracts_digest_format on sor_guard.contracts","module":"kernel","attrs":{"definition":"CHECK ((digest ~ '^sha256:[0-9a-f]{64}$'::text))","type":"check","validated":true}}
{"object":"constraint contracts_pkey on sor_guard.contracts","module":"kernel","attrs":{"definition":"PRIMARY KEY (entry_id)","type":"primary key","validated":true}}
{"object":"constraint contracts_version_format on sor_guard.contracts","module":"kernel","attrs":{"definition":"CHECK ((version ~ '^[0-9]+\\.[0-9]+\\.[0-9]+$'::text))","type":"check","validated":true}}
{"object":"constraint ddl_approvals_consumed_check on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CHECK ((((consumed_at IS NULL) = (consumed_by IS NULL)) AND ((consumed_at IS NULL) = (consumed_statement IS NULL))))","type":"check","validated":true}}
{"object":"constraint ddl_approvals_expiry_check on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CHECK ((expires_at > approved_at))","type":"check","validated":true}}
{"object":"constraint ddl_approvals_operation_check on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CHECK ((operation = ANY (ARRAY['drop schema'::text, 'alter schema'::text, 'drop table'::text, 'alter table'::text, 'rename'::text, 'drop column'::text, 'alter column'::text, 'alter column type'::text, 'disable row level security'::text, 'no force row level security'::text, 'detach partition'::text, 'attach partition'::text, 'drop trigger'::text, 'disable trigger'::text, 'alter trigger'::text, 'create trigger'::text, 'drop rule'::text, 'alter rule'::text, 'create rule'::text, 'drop policy'::text, 'alter policy'::text, 'create policy'::text, 'drop constraint'::text, 'alter constraint'::text, 'drop index'::text, 'alter index'::text, 'drop view'::text, 'alter view'::text, 'drop function'::text, 'replace function'::text, 'grant'::text, 'upgrade release'::text])))","type":"check","validated":true}}
{"object":"constraint ddl_approvals_pkey on sor.ddl_approvals","module":"kernel","attrs":{"definition":"PRIMARY KEY (approval_id)","type":"primary key","validated":true}}
{"object":"constraint ddl_approvals_rehearsed_on_length on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CHECK (((length(btrim(rehearsed_on)) >= 1) AND (length(btrim(rehearsed_on)) <= 500)))","type":"check","validated":true}}
{"object":"constraint ddl_approvals_ticket_length on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CHECK (((length(btrim(ticket)) >= 1) AND (length(btrim(ticket)) <= 200)))","type":"check","validated":true}}
{"object":"constraint ddl_audit_approval_fkey on sor.ddl_audit","module":"kernel","attrs":{"definition":"FOREIGN KEY (approval_id) REFERENCES sor.ddl_approvals(approval_id)","type":"foreign key","validated":true}}
{"object":"constraint ddl_audit_outcome_check on sor.ddl_audit","module":"kernel","attrs":{"definition":"CHECK ((((outcome = 'allowed'::text) AND (approval_id IS NOT NULL)) OR ((outcome = 'recorded'::text) AND (approval_id IS NULL))))","type":"check","validated":true}}
{"object":"constraint ddl_audit_pkey on sor.ddl_audit","module":"kernel","attrs":{"definition":"PRIMARY KEY (audit_id)","type":"primary key","validated":true}}
{"object":"constraint dedupe_keys_key_length on sor.dedupe_keys","module":"kernel","attrs":{"definition":"CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))","type":"check","validated":true}}
{"object":"constraint dedupe_keys_pkey on sor.dedupe_keys","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, scope, dedupe_key)","type":"primary key","validated":true}}
{"object":"constraint domain_schemas_pkey on sor.domain_schemas","module":"kernel","attrs":{"definition":"PRIMARY KEY (schema_name)","type":"primary key","validated":true}}
{"object":"constraint event_keys_event on sor.event_keys","module":"kernel","attrs":{"definition":"CHECK ((num_nulls(\"position\", stream, version, hash) = ANY (ARRAY[0, 4])))","type":"check","validated":true}}
{"object":"constraint event_keys_fingerprint_length on sor.event_keys","module":"kernel","attrs":{"definition":"CHECK ((length(fingerprint) = 32))","type":"check","validated":true}}
{"object":"constraint event_keys_key_format on sor.event_keys","module":"kernel","attrs":{"definition":"CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255) AND (idempotency_key !~ '[[:cntrl:]]'::text)))","type":"check","validated":true}}
{"object":"constraint event_keys_pkey on sor.event_keys","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, idempotency_key)","type":"primary key","validated":true}}
{"object":"constraint event_keys_tenant_fkey on sor.event_keys","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint events_default_pkey on sor.events_default","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, \"position\", occurred_at)","type":"primary key","validated":true}}
{"object":"constraint events_hash_length on sor.events","module":"kernel","attrs":{"definition":"CHECK (((length(hash) = 32) AND ((prev_hash IS NULL) OR (length(prev_hash) = 32))))","type":"check","validated":true}}
{"object":"constraint events_hash_length on sor.events_default","module":"kernel","attrs":{"definition":"CHECK (((length(hash) = 32) AND ((prev_hash IS NULL) OR (length(prev_hash) = 32))))","type":"check","validated":true}}
{"object":"constraint events_hash_length on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((length(hash) = 32) AND ((prev_hash IS NULL) OR (length(prev_hash) = 32))))","type":"check","validated":true}}
{"object":"constraint events_metadata_object on sor.events","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(metadata) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_metadata_object on sor.events_default","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(metadata) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_metadata_object on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(metadata) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_payload_object on sor.events","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(payload) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_payload_object on sor.events_default","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(payload) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_payload_object on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(payload) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint events_pkey on sor.events","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, \"position\", occurred_at)","type":"primary key","validated":true}}
{"object":"constraint events_p{YYYYMM}_pkey on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, \"position\", occurred_at)","type":"primary key","validated":true}}
{"object":"constraint events_stream_format on sor.events","module":"kernel","attrs":{"definition":"CHECK (((stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$'::text) AND (length(stream) <= 200)))","type":"check","validated":true}}
{"object":"constraint events_stream_format on sor.events_default","module":"kernel","attrs":{"definition":"CHECK (((stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$'::text) AND (length(stream) <= 200)))","type":"check","validated":true}}
{"object":"constraint events_stream_format on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((stream ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]+)?$'::text) AND (length(stream) <= 200)))","type":"check","validated":true}}
{"object":"constraint events_type_format on sor.events","module":"kernel","attrs":{"definition":"CHECK (((type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$'::text) AND (length(type) <= 100)))","type":"check","validated":true}}
{"object":"constraint events_type_format on sor.events_default","module":"kernel","attrs":{"definition":"CHECK (((type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$'::text) AND (length(type) <= 100)))","type":"check","validated":true}}
{"object":"constraint events_type_format on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$'::text) AND (length(type) <= 100)))","type":"check","validated":true}}
{"object":"constraint events_version_positive on sor.events","module":"kernel","attrs":{"definition":"CHECK ((version >= 1))","type":"check","validated":true}}
{"object":"constraint events_version_positive on sor.events_default","module":"kernel","attrs":{"definition":"CHECK ((version >= 1))","type":"check","validated":true}}
{"object":"constraint events_version_positive on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK ((version >= 1))","type":"check","validated":true}}
{"object":"constraint expenses_category_fkey on reconciler.expenses","module":"reconciler","attrs":{"definition":"FOREIGN KEY (tenant_id, category_id) REFERENCES reconciler.categories(tenant_id, category_id)","type":"foreign key","validated":true}}
{"object":"constraint expenses_pkey on reconciler.expenses","module":"reconciler","attrs":{"definition":"PRIMARY KEY (tenant_id, expense_id)","type":"primary key","validated":true}}
{"object":"constraint expenses_source_fkey on reconciler.expenses","module":"reconciler","attrs":{"definition":"FOREIGN KEY (tenant_id, bank_txn_id) REFERENCES reconciler.pending_transactions(tenant_id, bank_txn_id)","type":"foreign key","validated":true}}
{"object":"constraint expenses_source_key on reconciler.expenses","module":"reconciler","attrs":{"definition":"UNIQUE (tenant_id, bank_txn_id)","type":"unique","validated":true}}
{"object":"constraint finished_tasks_default_pkey on sor.finished_tasks_default","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, task_id, finished_at)","type":"primary key","validated":true}}
{"object":"constraint finished_tasks_pkey on sor.finished_tasks","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, task_id, finished_at)","type":"primary key","validated":true}}
{"object":"constraint finished_tasks_p{YYYYMM}_pkey on sor.finished_tasks_p{YYYYMM}","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, task_id, finished_at)","type":"primary key","validated":true}}
{"object":"constraint finished_tasks_status_check on sor.finished_tasks","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['completed'::text, 'dead'::text])))","type":"check","validated":true}}
{"object":"constraint finished_tasks_status_check on sor.finished_tasks_default","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['completed'::text, 'dead'::text])))","type":"check","validated":true}}
{"object":"constraint finished_tasks_status_check on sor.finished_tasks_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['completed'::text, 'dead'::text])))","type":"check","validated":true}}
{"object":"constraint idempotency_keys_fingerprint_length on sor.idempotency_keys","module":"kernel","attrs":{"definition":"CHECK ((length(fingerprint) = 32))","type":"check","validated":true}}
{"object":"constraint idempotency_keys_key_length on sor.idempotency_keys","module":"kernel","attrs":{"definition":"CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255)))","type":"check","validated":true}}
{"object":"constraint idempotency_keys_pkey on sor.idempotency_keys","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, scope, idempotency_key)","type":"primary key","validated":true}}
{"object":"constraint idempotency_keys_target_check on sor.idempotency_keys","module":"kernel","attrs":{"definition":"CHECK ((num_nonnulls(run_id, tool_call_id) >= 1))","type":"check","validated":true}}
{"object":"constraint idempotency_keys_tenant_fkey on sor.idempotency_keys","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint kit_partitions_event_check on sor_guard.kit_partitions","module":"kernel","attrs":{"definition":"CHECK ((event = ANY (ARRAY['installed'::text, 'created'::text, 'attached'::text, 'detached'::text, 'dropped'::text])))","type":"check","validated":true}}
{"object":"constraint kit_partitions_pkey on sor_guard.kit_partitions","module":"kernel","attrs":{"definition":"PRIMARY KEY (entry_id)","type":"primary key","validated":true}}
{"object":"constraint ledger_blocks_chain_check on sor.ledger_blocks","module":"kernel","attrs":{"definition":"CHECK (((block_id = 1) = (prev_block_hash IS NULL)))","type":"check","validated":true}}
{"object":"constraint ledger_blocks_hash_length on sor.ledger_blocks","module":"kernel","attrs":{"definition":"CHECK (((length(block_hash) = 32) AND (length(events_sha256) = 32)))","type":"check","validated":true}}
{"object":"constraint ledger_blocks_pkey on sor.ledger_blocks","module":"kernel","attrs":{"definition":"PRIMARY KEY (block_id)","type":"primary key","validated":true}}
{"object":"constraint ledger_blocks_range_check on sor.ledger_blocks","module":"kernel","attrs":{"definition":"CHECK (((from_tx < to_tx) AND (first_position <= last_position) AND (events >= 1) AND (first_occurred_at <= last_occurred_at)))","type":"check","validated":true}}
{"object":"constraint outbox_attempts_check on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((attempts >= 0) AND (max_attempts >= 1)))","type":"check","validated":true}}
{"object":"constraint outbox_attempts_check on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((attempts >= 0) AND (max_attempts >= 1)))","type":"check","validated":true}}
{"object":"constraint outbox_attempts_check on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((attempts >= 0) AND (max_attempts >= 1)))","type":"check","validated":true}}
{"object":"constraint outbox_dedupe_key_length on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))","type":"check","validated":true}}
{"object":"constraint outbox_dedupe_key_length on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))","type":"check","validated":true}}
{"object":"constraint outbox_dedupe_key_length on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))","type":"check","validated":true}}
{"object":"constraint outbox_default_pkey on sor.outbox_default","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, outbox_id, created_at)","type":"primary key","validated":true}}
{"object":"constraint outbox_dispatched_check on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((status = 'dispatched'::text) = (dispatched_at IS NOT NULL)))","type":"check","validated":true}}
{"object":"constraint outbox_dispatched_check on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((status = 'dispatched'::text) = (dispatched_at IS NOT NULL)))","type":"check","validated":true}}
{"object":"constraint outbox_dispatched_check on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((status = 'dispatched'::text) = (dispatched_at IS NOT NULL)))","type":"check","validated":true}}
{"object":"constraint outbox_lease_check on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((status = 'leased'::text) = ((lease_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (leased_by IS NOT NULL))))","type":"check","validated":true}}
{"object":"constraint outbox_lease_check on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((status = 'leased'::text) = ((lease_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (leased_by IS NOT NULL))))","type":"check","validated":true}}
{"object":"constraint outbox_lease_check on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((status = 'leased'::text) = ((lease_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (leased_by IS NOT NULL))))","type":"check","validated":true}}
{"object":"constraint outbox_payload_object on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((jsonb_typeof(payload) = 'object'::text) AND (jsonb_typeof(headers) = 'object'::text)))","type":"check","validated":true}}
{"object":"constraint outbox_payload_object on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((jsonb_typeof(payload) = 'object'::text) AND (jsonb_typeof(headers) = 'object'::text)))","type":"check","validated":true}}
{"object":"constraint outbox_payload_object on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((jsonb_typeof(payload) = 'object'::text) AND (jsonb_typeof(headers) = 'object'::text)))","type":"check","validated":true}}
{"object":"constraint outbox_pkey on sor.outbox","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, outbox_id, created_at)","type":"primary key","validated":true}}
{"object":"constraint outbox_p{YYYYMM}_pkey on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, outbox_id, created_at)","type":"primary key","validated":true}}
{"object":"constraint outbox_status_check on sor.outbox","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'leased'::text, 'dispatched'::text, 'failed'::text, 'dead'::text, 'discarded'::text])))","type":"check","validated":true}}
{"object":"constraint outbox_status_check on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'leased'::text, 'dispatched'::text, 'failed'::text, 'dead'::text, 'discarded'::text])))","type":"check","validated":true}}
{"object":"constraint outbox_status_check on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'leased'::text, 'dispatched'::text, 'failed'::text, 'dead'::text, 'discarded'::text])))","type":"check","validated":true}}
{"object":"constraint outbox_topic_length on sor.outbox","module":"kernel","attrs":{"definition":"CHECK (((length(topic) >= 1) AND (length(topic) <= 200)))","type":"check","validated":true}}
{"object":"constraint outbox_topic_length on sor.outbox_default","module":"kernel","attrs":{"definition":"CHECK (((length(topic) >= 1) AND (length(topic) <= 200)))","type":"check","validated":true}}
{"object":"constraint outbox_topic_length on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CHECK (((length(topic) >= 1) AND (length(topic) <= 200)))","type":"check","validated":true}}
{"object":"constraint pending_transactions_currency_format on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"CHECK ((currency ~ '^[A-Z]{3}$'::text))","type":"check","validated":true}}
{"object":"constraint pending_transactions_email_format on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"CHECK ((holder_email ~ '^[^@\\s]+@[^@\\s]+$'::text))","type":"check","validated":true}}
{"object":"constraint pending_transactions_pkey on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"PRIMARY KEY (tenant_id, bank_txn_id)","type":"primary key","validated":true}}
{"object":"constraint pending_transactions_status_check on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"CHECK ((status = ANY (ARRAY['pending'::text, 'reconciled'::text])))","type":"check","validated":true}}
{"object":"constraint pending_transactions_tenant_fkey on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint pending_transactions_txn_format on reconciler.pending_transactions","module":"reconciler","attrs":{"definition":"CHECK ((bank_txn_id ~ '^[A-Za-z0-9_.:-]{1,64}$'::text))","type":"check","validated":true}}
{"object":"constraint queues_backoff_range on sor.queues","module":"kernel","attrs":{"definition":"CHECK (((backoff_base > '00:00:00'::interval) AND (backoff_max >= backoff_base)))","type":"check","validated":true}}
{"object":"constraint queues_completion_record_check on sor.queues","module":"kernel","attrs":{"definition":"CHECK ((completion_record = ANY (ARRAY['event'::text, 'row'::text])))","type":"check","validated":true}}
{"object":"constraint queues_description_length on sor.queues","module":"kernel","attrs":{"definition":"CHECK (((length(description) >= 1) AND (length(description) <= 500)))","type":"check","validated":true}}
{"object":"constraint queues_max_attempts_range on sor.queues","module":"kernel","attrs":{"definition":"CHECK (((max_attempts >= 1) AND (max_attempts <= 100)))","type":"check","validated":true}}
{"object":"constraint queues_pkey on sor.queues","module":"kernel","attrs":{"definition":"PRIMARY KEY (queue)","type":"primary key","validated":true}}
{"object":"constraint queues_queue_format on sor.queues","module":"kernel","attrs":{"definition":"CHECK ((queue ~ '^[a-z][a-z0-9_.-]{1,62}$'::text))","type":"check","validated":true}}
{"object":"constraint quota_defaults_kind_check on sor.quota_defaults","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text])))","type":"check","validated":true}}
{"object":"constraint quota_defaults_max_check on sor.quota_defaults","module":"kernel","attrs":{"definition":"CHECK (((max_pending >= 0) AND (max_pending <= 1000000000)))","type":"check","validated":true}}
{"object":"constraint quota_defaults_pkey on sor.quota_defaults","module":"kernel","attrs":{"definition":"PRIMARY KEY (kind)","type":"primary key","validated":true}}
{"object":"constraint register_kind_check on sor_guard.register","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['schema'::text, 'table'::text, 'view'::text, 'function'::text, 'trigger'::text, 'rule'::text, 'policy'::text, 'constraint'::text, 'index'::text, 'event trigger'::text])))","type":"check","validated":true}}
{"object":"constraint register_pkey on sor_guard.register","module":"kernel","attrs":{"definition":"PRIMARY KEY (entry_id)","type":"primary key","validated":true}}
{"object":"constraint register_present_check on sor_guard.register","module":"kernel","attrs":{"definition":"CHECK ((present = (spec IS NOT NULL)))","type":"check","validated":true}}
{"object":"constraint register_reason_check on sor_guard.register","module":"kernel","attrs":{"definition":"CHECK ((reason = ANY (ARRAY['registered'::text, 'approved'::text, 'recorded'::text, 'tightened'::text, 'rebound'::text])))","type":"check","validated":true}}
{"object":"constraint register_root_kind_check on sor_guard.register","module":"kernel","attrs":{"definition":"CHECK ((root_kind = ANY (ARRAY['schema'::text, 'table'::text, 'view'::text, 'function'::text, 'event trigger'::text])))","type":"check","validated":true}}
{"object":"constraint releases_digest_format on sor_guard.releases","module":"kernel","attrs":{"definition":"CHECK ((digest ~ '^sha256:[0-9a-f]{64}$'::text))","type":"check","validated":true}}
{"object":"constraint releases_event_check on sor_guard.releases","module":"kernel","attrs":{"definition":"CHECK ((event = ANY (ARRAY['installed'::text, 'opened'::text, 'upgraded'::text, 'closed'::text, 'failed'::text])))","type":"check","validated":true}}
{"object":"constraint releases_manifest_check on sor_guard.releases","module":"kernel","attrs":{"definition":"CHECK (((manifest IS NOT NULL) = (event = ANY (ARRAY['installed'::text, 'opened'::text, 'upgraded'::text]))))","type":"check","validated":true}}
{"object":"constraint releases_pkey on sor_guard.releases","module":"kernel","attrs":{"definition":"PRIMARY KEY (entry_id)","type":"primary key","validated":true}}
{"object":"constraint releases_version_format on sor_guard.releases","module":"kernel","attrs":{"definition":"CHECK ((version ~ '^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?$'::text))","type":"check","validated":true}}
{"object":"constraint reserved_names_kind_check on sor.reserved_names","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['stream category'::text, 'event type prefix'::text, 'outbox topic'::text])))","type":"check","validated":true}}
{"object":"constraint reserved_names_name_check on sor.reserved_names","module":"kernel","attrs":{"definition":"CHECK (((length(name) >= 1) AND (length(name) <= 100)))","type":"check","validated":true}}
{"object":"constraint reserved_names_pkey on sor.reserved_names","module":"kernel","attrs":{"definition":"PRIMARY KEY (kind, name)","type":"primary key","validated":true}}
{"object":"constraint retention_policies_keep_check on sor.retention_policies","module":"kernel","attrs":{"definition":"CHECK ((keep >= '1 mon'::interval))","type":"check","validated":true}}
{"object":"constraint retention_policies_pkey on sor.retention_policies","module":"kernel","attrs":{"definition":"PRIMARY KEY (table_name, set_at)","type":"primary key","validated":true}}
{"object":"constraint retention_policies_table_check on sor.retention_policies","module":"kernel","attrs":{"definition":"CHECK ((table_name = ANY (ARRAY['sor.events'::text, 'sor.outbox'::text, 'sor.finished_tasks'::text])))","type":"check","validated":true}}
{"object":"constraint retired_partitions_pkey on sor.retired_partitions","module":"kernel","attrs":{"definition":"PRIMARY KEY (partition_name)","type":"primary key","validated":true}}
{"object":"constraint retired_stream_heads_pkey on sor.retired_stream_heads","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, stream, partition_name)","type":"primary key","validated":true}}
{"object":"constraint run_tasks_link_check on sor.run_tasks","module":"kernel","attrs":{"definition":"CHECK ((link = ANY (ARRAY['enqueued'::text, 'claimed'::text])))","type":"check","validated":true}}
{"object":"constraint run_tasks_pkey on sor.run_tasks","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, run_id, task_id, link, fencing_token)","type":"primary key","validated":true}}
{"object":"constraint run_tasks_run_fkey on sor.run_tasks","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id)","type":"foreign key","validated":true}}
{"object":"constraint run_tasks_token_check on sor.run_tasks","module":"kernel","attrs":{"definition":"CHECK (((link = 'claimed'::text) = (fencing_token > 0)))","type":"check","validated":true}}
{"object":"constraint runs_error_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((status = 'failed'::text) OR ((error IS NULL) AND (error_sha256 IS NULL))))","type":"check","validated":true}}
{"object":"constraint runs_finished_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((status = 'running'::text) = (finished_at IS NULL)))","type":"check","validated":true}}
{"object":"constraint runs_hash_only_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((NOT hash_only) OR ((input IS NULL) AND (error IS NULL))))","type":"check","validated":true}}
{"object":"constraint runs_lease_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((lease_seconds >= 1) AND (lease_seconds <= 3600)))","type":"check","validated":true}}
{"object":"constraint runs_pkey on sor.runs","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, run_id)","type":"primary key","validated":true}}
{"object":"constraint runs_sha256_length on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((length(input_sha256) = 32) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32))))","type":"check","validated":true}}
{"object":"constraint runs_state_object on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((jsonb_typeof(state) = 'object'::text) AND (jsonb_typeof(\"overlay\") = 'object'::text)))","type":"check","validated":true}}
{"object":"constraint runs_status_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'abandoned'::text])))","type":"check","validated":true}}
{"object":"constraint runs_sweep_at_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK (((status <> 'running'::text) OR (sweep_at <= lease_expires_at)))","type":"check","validated":true}}
{"object":"constraint runs_tenant_fkey on sor.runs","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint runs_version_check on sor.runs","module":"kernel","attrs":{"definition":"CHECK ((version >= 0))","type":"check","validated":true}}
{"object":"constraint runs_workflow_format on sor.runs","module":"kernel","attrs":{"definition":"CHECK ((workflow ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))","type":"check","validated":true}}
{"object":"constraint steps_counts_check on sor.steps","module":"kernel","attrs":{"definition":"CHECK (((event_count >= 0) AND (command_count >= 0)))","type":"check","validated":true}}
{"object":"constraint steps_pkey on sor.steps","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, run_id, step_id)","type":"primary key","validated":true}}
{"object":"constraint steps_run_fkey on sor.steps","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id)","type":"foreign key","validated":true}}
{"object":"constraint steps_version_check on sor.steps","module":"kernel","attrs":{"definition":"CHECK ((version >= 1))","type":"check","validated":true}}
{"object":"constraint steps_version_key on sor.steps","module":"kernel","attrs":{"definition":"UNIQUE (tenant_id, run_id, version)","type":"unique","validated":true}}
{"object":"constraint streams_pkey on sor.streams","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, stream)","type":"primary key","validated":true}}
{"object":"constraint streams_version_check on sor.streams","module":"kernel","attrs":{"definition":"CHECK (((version >= 0) AND ((version = 0) = (last_hash IS NULL)) AND ((version = 0) = (last_position IS NULL))))","type":"check","validated":true}}
{"object":"constraint subscriptions_checkpoint on sor.subscriptions","module":"kernel","attrs":{"definition":"CHECK (((last_position >= 0) AND ((last_position = 0) = (last_tx_id = '0'::xid8))))","type":"check","validated":true}}
{"object":"constraint subscriptions_name_format on sor.subscriptions","module":"kernel","attrs":{"definition":"CHECK ((name ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))","type":"check","validated":true}}
{"object":"constraint subscriptions_pkey on sor.subscriptions","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, name)","type":"primary key","validated":true}}
{"object":"constraint subscriptions_stream_prefix_format on sor.subscriptions","module":"kernel","attrs":{"definition":"CHECK (((stream_prefix IS NULL) OR ((stream_prefix ~ '^[a-z][a-z0-9_]*(-[A-Za-z0-9_:.@-]*)?$'::text) AND (length(stream_prefix) <= 200))))","type":"check","validated":true}}
{"object":"constraint subscriptions_tenant_fkey on sor.subscriptions","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint task_listeners_pkey on sor.task_listeners","module":"kernel","attrs":{"definition":"PRIMARY KEY (queue, pid)","type":"primary key","validated":true}}
{"object":"constraint tasks_attempts_check on sor.tasks","module":"kernel","attrs":{"definition":"CHECK (((attempts >= 0) AND ((max_attempts >= 1) AND (max_attempts <= 100))))","type":"check","validated":true}}
{"object":"constraint tasks_claim_check on sor.tasks","module":"kernel","attrs":{"definition":"CHECK (((status = 'claimed'::text) = ((fencing_token IS NOT NULL) AND (lease_expires_at IS NOT NULL) AND (claimed_by IS NOT NULL) AND (lease IS NOT NULL))))","type":"check","validated":true}}
{"object":"constraint tasks_dedupe_key_length on sor.tasks","module":"kernel","attrs":{"definition":"CHECK (((length(dedupe_key) >= 1) AND (length(dedupe_key) <= 200)))","type":"check","validated":true}}
{"object":"constraint tasks_payload_object on sor.tasks","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(payload) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint tasks_pkey on sor.tasks","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, task_id)","type":"primary key","validated":true}}
{"object":"constraint tasks_status_check on sor.tasks","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['ready'::text, 'claimed'::text, 'failed'::text])))","type":"check","validated":true}}
{"object":"constraint tasks_subject_length on sor.tasks","module":"kernel","attrs":{"definition":"CHECK (((length(subject) >= 1) AND (length(subject) <= 200)))","type":"check","validated":true}}
{"object":"constraint tasks_unfinished_check on sor.tasks","module":"kernel","attrs":{"definition":"CHECK (((finished_at IS NULL) AND (result IS NULL)))","type":"check","validated":true}}
{"object":"constraint tenant_members_pkey on sor.tenant_members","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, role_name)","type":"primary key","validated":true}}
{"object":"constraint tenant_members_tenant_fkey on sor.tenant_members","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint tenant_quotas_kind_check on sor.tenant_quotas","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text])))","type":"check","validated":true}}
{"object":"constraint tenant_quotas_max_check on sor.tenant_quotas","module":"kernel","attrs":{"definition":"CHECK (((max_pending >= 0) AND (max_pending <= 1000000000)))","type":"check","validated":true}}
{"object":"constraint tenant_quotas_pkey on sor.tenant_quotas","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, kind)","type":"primary key","validated":true}}
{"object":"constraint tenant_quotas_tenant_fkey on sor.tenant_quotas","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint tenant_settings_pkey on sor.tenant_settings","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id)","type":"primary key","validated":true}}
{"object":"constraint tenant_settings_retention_range on sor.tenant_settings","module":"kernel","attrs":{"definition":"CHECK (((idempotency_retention >= '00:00:01'::interval) AND (idempotency_retention <= '90 days'::interval)))","type":"check","validated":true}}
{"object":"constraint tenant_settings_tenant_fkey on sor.tenant_settings","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id) REFERENCES sor.tenants(tenant_id)","type":"foreign key","validated":true}}
{"object":"constraint tenant_usage_kind_check on sor.tenant_usage","module":"kernel","attrs":{"definition":"CHECK ((kind = ANY (ARRAY['tasks'::text, 'outbox'::text])))","type":"check","validated":true}}
{"object":"constraint tenant_usage_pkey on sor.tenant_usage","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, kind, slot)","type":"primary key","validated":true}}
{"object":"constraint tenant_usage_slot_check on sor.tenant_usage","module":"kernel","attrs":{"definition":"CHECK (((slot >= 0) AND (slot <= 15)))","type":"check","validated":true}}
{"object":"constraint tenants_display_name_length on sor.tenants","module":"kernel","attrs":{"definition":"CHECK (((length(display_name) >= 1) AND (length(display_name) <= 200)))","type":"check","validated":true}}
{"object":"constraint tenants_pkey on sor.tenants","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id)","type":"primary key","validated":true}}
{"object":"constraint tenants_tenant_id_format on sor.tenants","module":"kernel","attrs":{"definition":"CHECK ((tenant_id ~ '^[a-z][a-z0-9_-]{1,62}$'::text))","type":"check","validated":true}}
{"object":"constraint tool_calls_args_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK ((hash_only OR (args IS NOT NULL)))","type":"check","validated":true}}
{"object":"constraint tool_calls_error_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK (((status <> 'failed'::text) OR ((error_sha256 IS NOT NULL) AND (result IS NULL) AND (result_sha256 IS NULL))))","type":"check","validated":true}}
{"object":"constraint tool_calls_finished_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK (((status = 'started'::text) = (finished_at IS NULL)))","type":"check","validated":true}}
{"object":"constraint tool_calls_hash_only_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK (((NOT hash_only) OR ((args IS NULL) AND (result IS NULL) AND (error IS NULL))))","type":"check","validated":true}}
{"object":"constraint tool_calls_outcome_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK (((status <> 'succeeded'::text) OR ((error IS NULL) AND (error_sha256 IS NULL))))","type":"check","validated":true}}
{"object":"constraint tool_calls_pkey on sor.tool_calls","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, tool_call_id)","type":"primary key","validated":true}}
{"object":"constraint tool_calls_run_fkey on sor.tool_calls","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id)","type":"foreign key","validated":true}}
{"object":"constraint tool_calls_sha256_length on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK (((length(args_sha256) = 32) AND ((result_sha256 IS NULL) OR (length(result_sha256) = 32)) AND ((error_sha256 IS NULL) OR (length(error_sha256) = 32))))","type":"check","validated":true}}
{"object":"constraint tool_calls_status_check on sor.tool_calls","module":"kernel","attrs":{"definition":"CHECK ((status = ANY (ARRAY['started'::text, 'succeeded'::text, 'failed'::text])))","type":"check","validated":true}}
{"object":"constraint tools_description_length on sor.tools","module":"kernel","attrs":{"definition":"CHECK (((length(description) >= 1) AND (length(description) <= 2000)))","type":"check","validated":true}}
{"object":"constraint tools_name_format on sor.tools","module":"kernel","attrs":{"definition":"CHECK ((tool_name ~ '^[a-z][a-z0-9_]{0,63}$'::text))","type":"check","validated":true}}
{"object":"constraint tools_pkey on sor.tools","module":"kernel","attrs":{"definition":"PRIMARY KEY (tool_name)","type":"primary key","validated":true}}
{"object":"constraint tools_schema_object on sor.tools","module":"kernel","attrs":{"definition":"CHECK ((jsonb_typeof(input_schema) = 'object'::text))","type":"check","validated":true}}
{"object":"constraint turns_hash_only_check on sor.turns","module":"kernel","attrs":{"definition":"CHECK (((NOT hash_only) OR ((content IS NULL) AND (content_sha256 IS NOT NULL))))","type":"check","validated":true}}
{"object":"constraint turns_pkey on sor.turns","module":"kernel","attrs":{"definition":"PRIMARY KEY (tenant_id, run_id, turn_no)","type":"primary key","validated":true}}
{"object":"constraint turns_role_check on sor.turns","module":"kernel","attrs":{"definition":"CHECK ((role = ANY (ARRAY['system'::text, 'user'::text, 'assistant'::text, 'tool'::text])))","type":"check","validated":true}}
{"object":"constraint turns_run_fkey on sor.turns","module":"kernel","attrs":{"definition":"FOREIGN KEY (tenant_id, run_id) REFERENCES sor.runs(tenant_id, run_id)","type":"foreign key","validated":true}}
{"object":"constraint turns_sha256_check on sor.turns","module":"kernel","attrs":{"definition":"CHECK ((((content IS NULL) OR (content_sha256 IS NOT NULL)) AND ((content_sha256 IS NULL) OR (length(content_sha256) = 32))))","type":"check","validated":true}}
{"object":"constraint turns_tokens_check on sor.turns","module":"kernel","attrs":{"definition":"CHECK (((input_tokens >= 0) AND (output_tokens >= 0)))","type":"check","validated":true}}
{"object":"constraint turns_turn_no_check on sor.turns","module":"kernel","attrs":{"definition":"CHECK ((turn_no >= 1))","type":"check","validated":true}}
{"object":"constraint wakeup_secret_length on sor.wakeup_secret","module":"kernel","attrs":{"definition":"CHECK ((length(secret) = 32))","type":"check","validated":true}}
{"object":"constraint wakeup_secret_pkey on sor.wakeup_secret","module":"kernel","attrs":{"definition":"PRIMARY KEY (singleton)","type":"primary key","validated":true}}
{"object":"constraint wakeup_secret_singleton on sor.wakeup_secret","module":"kernel","attrs":{"definition":"CHECK (singleton)","type":"check","validated":true}}
{"object":"constraint workers_kind_format on sor.workers","module":"kernel","attrs":{"definition":"CHECK ((kind ~ '^[a-z][a-z0-9_.-]{0,99}$'::text))","type":"check","validated":true}}
{"object":"constraint workers_pkey on sor.workers","module":"kernel","attrs":{"definition":"PRIMARY KEY (role_name)","type":"primary key","validated":true}}
{"object":"event trigger sor_guard_1_start","module":"kernel","attrs":{"enabled":"always","event":"ddl_command_start","function":"sor_guard.tg_start()","tags":[]}}
{"object":"event trigger sor_guard_2_drop","module":"kernel","attrs":{"enabled":"always","event":"sql_drop","function":"sor_guard.tg_drop()","tags":[]}}
{"object":"event trigger sor_guard_3_drop_watch","module":"kernel","attrs":{"enabled":"always","event":"sql_drop","function":"sor_guard.tg_watch_drop()","tags":[]}}
{"object":"event trigger sor_guard_4_end","module":"kernel","attrs":{"enabled":"always","event":"ddl_command_end","function":"sor_guard.tg_end()","tags":[]}}
{"object":"event trigger sor_guard_5_end_watch","module":"kernel","attrs":{"enabled":"always","event":"ddl_command_end","function":"sor_guard.tg_watch_end()","tags":[]}}
{"object":"event trigger sor_guard_6_rewrite","module":"kernel","attrs":{"enabled":"always","event":"table_rewrite","function":"sor_guard.tg_rewrite()","tags":[]}}
{"object":"function reconciler.ingest_bank_rows(text,jsonb)","module":"reconciler","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, reconciler, sor, pg_temp"],"definition_sha256":"79d4eeebf3e2e71966421300e98085675f7e5c94e73cd7caa72fa83be583d9d9","owner":"sor_owner"}}
{"object":"function reconciler.setup_tenant(text)","module":"reconciler","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, reconciler, sor, pg_temp"],"definition_sha256":"6fd2928e9d33fbadeddda8f4b25fd5c19eaa9cfc676fa093c7cfcbf0668a9139","owner":"sor_owner"}}
{"object":"function reconciler.tool_categorise(jsonb,jsonb)","module":"reconciler","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, reconciler, pg_temp"],"definition_sha256":"1b04df57312877c7c564fe6581487c477044cc91f137d32263e0c2f06a3f90d6","owner":"sor_owner"}}
{"object":"function reconciler.tool_list_pending(jsonb,jsonb)","module":"reconciler","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, reconciler, pg_temp"],"definition_sha256":"6b3b8804e2e7f0ea69491a603d6d85a2e5d623ea4596dd69e867ccb07c8cf8b8","owner":"sor_owner"}}
{"object":"function reconciler.tool_record_expense(jsonb,jsonb)","module":"reconciler","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, reconciler, sor, pg_temp"],"definition_sha256":"373a5a35259909f7f19b2cb305a2cf8b3a4a42cb950f613b5961299a04bee11e","owner":"sor_owner"}}
{"object":"function sor.announce_append(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"8975dd6589155fa18a808ce3ea58090d204355f13bbe0bd074d14a8dae9ac68c","owner":"sor_owner"}}
{"object":"function sor.append_event(text,text,text,jsonb,jsonb,integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"9993e10ac78bf159c9ed30682f6b2a075db408c93aa873b90d29c8760a866676","owner":"sor_owner"}}
{"object":"function sor.append_event_rows(text[],text[],text[],jsonb[],jsonb[],integer[],boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"fe09b08e76045f2d04a777ac2cb08d81f489e418983119aeaac45e4c8b9e2d34","owner":"sor_owner"}}
{"object":"function sor.certify__010_foundation()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"3378e7a68983e819042b9c88bc8ad4e00b80885564ba9ecde289ec761e59c4db","owner":"sor_owner"}}
{"object":"function sor.certify__020_events()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"612775907cea63c56f0369e89ce6f1a1600364d6fed69f71527f05193d33e8d9","owner":"sor_owner"}}
{"object":"function sor.certify__030_guard()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b1a8218d8247e176904bcdc14efbbd0c03ea154fdd69a509714a4f3e98b1b81f","owner":"sor_owner"}}
{"object":"function sor.certify__040_journal()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"78b847b30de83572f8e19c2992ddd58cafdf54a33f5f3bc6451641231755712c","owner":"sor_owner"}}
{"object":"function sor.certify__050_claims()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"df467dad97264e3eb88a4440cdbe9724575a571a380dc222a52b8fe30fd7e07c","owner":"sor_owner"}}
{"object":"function sor.certify__060_tools()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"ccd7aa7511ca2614380939ab6e19bb89a53ea0cdbd48f852dbb4b2da9abdf12e","owner":"sor_owner"}}
{"object":"function sor.certify__070_capstone()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"9441f3147351840bc514b8e2a7104a37f817cea74660daf92c3ff923c8c6b99d","owner":"sor_owner"}}
{"object":"function sor.certify__080_volume()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"c87d30bb3d72d41731e8a28141c50aed40b084a6091546f994719c5aec9839b1","owner":"sor_owner"}}
{"object":"function sor.certify__085_bodies()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"9dc168186f4e11375d7cfc1aeac5cdde6234aef8ace456a4c8b82670b725c8f7","owner":"sor_owner"}}
{"object":"function sor.certify__087_surface()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"b6545a58958f0b05dd54ac39b64a998adfe2db94cc2fd1159a06cddc510725ff","owner":"sor_owner"}}
{"object":"function sor.certify_raw()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b08576c545876ef76e439e6e6806779be61102bb1625e197363f7d30d93c817c","owner":"sor_owner"}}
{"object":"function sor.check_horizon_context()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7eb8e655ec5cc8e7bdaf9e5b1518eaebdae30a1a285e2f1921ce941a4f6c05fd","owner":"sor_owner"}}
{"object":"function sor.check_max_rows(integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d382b89aaca75ab6e6812567b51f52c4e0e86ff363a0918253be347dc2fa90f7","owner":"sor_owner"}}
{"object":"function sor.check_size(jsonb,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"37074d25b64223f8392a4bf18eaf03d90b4be37bff90cc6885d46cc3cf0d4412","owner":"sor_owner"}}
{"object":"function sor.check_size(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"fd43fa3bc70481594473ef7f49798acb58afc696904c2a4cc2365ced7ec36aed","owner":"sor_owner"}}
{"object":"function sor.check_verify_scope(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"33a06c0f4c77846d8d66e2bc2402a547621e0150fc98a54bafd614b166fbecbe","owner":"sor_owner"}}
{"object":"function sor.claim_tasks_for(text,integer,interval,text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f569b3196481621883d879aaa246b96986bccbb4493b8e38bc7e9cf4d077cf22","owner":"sor_owner"}}
{"object":"function sor.closed_catalog_functions()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"91e8bc338a35ed4e81bae2c7050d843581f3cadddc9a349a4b3bc2244187911e","owner":"sor_owner"}}
{"object":"function sor.code_text(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"4951881f4f2b4b83f5e539abc20538ef76353dff97e35a504f35530ba253b080","owner":"sor_owner"}}
{"object":"function sor.command_dedupe_key(uuid,text,integer,jsonb)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"2643b15a85671f66f535000cbdcc599ddced0826b4aa7e0cd4bd0163e521ff52","owner":"sor_owner"}}
{"object":"function sor.current_worker()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b85659fdb9d1f6145bac583f4fbbdafc6f01429529c72b2d2934356c87af3d77","owner":"sor_owner"}}
{"object":"function sor.domain_surface()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"4089299d418cbb849e25e8777a059afb2c0c4a2b03f5098d0393717ac0aa28c5","owner":"sor_owner"}}
{"object":"function sor.enqueue_outbox(text,text,text,text,jsonb,jsonb,text,integer,uuid,text,bigint)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7791d5e6cef2f57489b30683ba22c18893cef60e47cf6ea17df1f78df234b245","owner":"sor_owner"}}
{"object":"function sor.enqueue_task(text,text,text,jsonb,text,integer,interval,integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"14f8c3576f067a616e120ae26a938d9d1be9f032937032bedb4237fcdf84f111","owner":"sor_owner"}}
{"object":"function sor.ensure_policy(regclass,name,text,name[],text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"1c61b4bfa1f5a9a8a016cfd34a33fc7a7aeba096977c25bcbf0a06126afc7dd5","owner":"sor_owner"}}
{"object":"function sor.event_fingerprint(text,text,jsonb,jsonb)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"93dfa34dbc9f8fbbc05d92c9677beeb6f6a329ba27c2c6b279e2c44d56ef6043","owner":"sor_owner"}}
{"object":"function sor.event_summary(text,text,jsonb,name)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"8da31f38f765db4ef47ba5a125e4e81a9b868e6ab6135686c480bf2f3cbfcb8f","owner":"sor_owner"}}
{"object":"function sor.failure_recorded(bigint,bigint,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"915eee5be6d26447b9af27d5b26598509526a7505acfdf09cf8d39765b0b08e6","owner":"sor_owner"}}
{"object":"function sor.finish_task(sor.tasks,text,jsonb,text,timestamp with time zone,boolean)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"07760bb098ea743653a4a3035eaeb19aeca8871b137a5c7b187bfb600b4aa431","owner":"sor_owner"}}
{"object":"function sor.forensic_run(uuid)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f86109f0af80da7f3cbcdff5ee8334c5cb89c703be27a5ab28a2c192fbf4b201","owner":"sor_owner"}}
{"object":"function sor.forensic_time(timestamp with time zone)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c2d44075977f3f6c168f97e63e8c2fa50e2d70b3b3d8c07642e40d833b741623","owner":"sor_owner"}}
{"object":"function sor.idempotency_claim(text,text,text,bytea,uuid,uuid)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"6f62603af73650c3b0b6e880d9508471697895b9f03dd24fd49329d4c6420a54","owner":"sor_owner"}}
{"object":"function sor.is_interval(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"df42d9286641f7206c5a1129bbb4d7d6bb05bf9c62dd4864395152d1bc2aa868","owner":"sor_owner"}}
{"object":"function sor.is_reserved(text,text)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"9412daec8d1c5654f49ae6dd1c2f1ecddf958ad698206eb23924a36f5e841ff8","owner":"sor_owner"}}
{"object":"function sor.is_valid(text,text)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"262d8992743134db83307a9c220cc6e66e99f645d9de4006719f9575797eb7ec","owner":"sor_owner"}}
{"object":"function sor.journal_bad_input(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"98e53bd0c85ccec8e5a80872dcc2b58ec7ef3ce6c8d8a2d2382dc11e12a92281","owner":"sor_owner"}}
{"object":"function sor.journal_check_id(text,text,integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"a553dacc3c020b92b7c6131e923746793fb0a0491fdc66cd85e2d3f637aab8f6","owner":"sor_owner"}}
{"object":"function sor.journal_digest(text,text,boolean,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b013220633ae553f8a7980f7c6a6eefeab935195f8138de1262cf74443b737fc","owner":"sor_owner"}}
{"object":"function sor.json_path_append(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c8703ac3eadcc02425900b5382730c33853170008be8108f234da4f4f568ea41","owner":"sor_owner"}}
{"object":"function sor.json_schema_problem(jsonb,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7c5684a9dec992e99e29838bf427758d2b874c4cc1451967dc71dd9a6d9fcd00","owner":"sor_owner"}}
{"object":"function sor.json_schema_violation(jsonb,jsonb,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"59413952e8a2b20ddeea490510e11e635dee549ce3a48e4497ed2664021ed9c2","owner":"sor_owner"}}
{"object":"function sor.kit_schemas()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7bdcbef3715db2ade6145e3c4299ffd77986396d216b3d870dacbbf1dc67b1d7","owner":"sor_owner"}}
{"object":"function sor.lease_check_request(text,integer,interval)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"13f0907c911aaef145728dc49ccccd8dab181e91c7dda587196444fe9dfd738b","owner":"sor_owner"}}
{"object":"function sor.lease_clock()","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"299713461a31896cae317e2d760903f46c4ff00bca440f455c31ef7d0f1a2e7a","owner":"sor_owner"}}
{"object":"function sor.lease_held(name,bigint,timestamp with time zone,bigint,timestamp with time zone)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"7936dbd61516e1b2dc5084cff914e9e18a9f0bd6a048b3e5c889b9a50ab8546c","owner":"sor_owner"}}
{"object":"function sor.lease_lapsed(timestamp with time zone)","module":"kernel","attrs":{"acl":["sor_approver:EXECUTE","sor_auditor:EXECUTE","sor_tenant:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"2a8e836109fdfc0d5d91edbccfdea0bd4b56d645c3b6b7299280fa86346bc61c","owner":"sor_owner"}}
{"object":"function sor.lease_lapsed_at(timestamp with time zone,timestamp with time zone)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"87b8c6edfa5b4bb70f0559bdc8db80a0a3051c96491707cff97c4c13848e2674","owner":"sor_owner"}}
{"object":"function sor.lease_request_ok(integer,interval)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"ecc7af52386f6d053344644e81b212fdd4b8c95ba44a035942a264372ac3803e","owner":"sor_owner"}}
{"object":"function sor.lease_retry_at(integer,integer,interval,interval)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"222ab464d0eefdb78887bf0e2b7ea8ac77be6a8e7822fa0090921c65d260e01c","owner":"sor_owner"}}
{"object":"function sor.leases()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"227f0f060fee3c8b690bb8a05972c886c0e130bdce1bd5b56585452768ffca86","owner":"sor_owner"}}
{"object":"function sor.ledger_block_hash(bytea,bigint,xid8,xid8,bigint,bigint,bigint,bytea)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"48a7894c393eb357895138a88e95c4aa799152ae17ac322b6554e199a7a75f8e","owner":"sor_owner"}}
{"object":"function sor.lock_stream(text,text,boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"3a6f04addae6d5ab465374c315d31919bf8468adc7433f4137fb64f449fc2614","owner":"sor_owner"}}
{"object":"function sor.make_partitions(integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"ee6ed779e554768743dd4b0068fee4e280bb5089f0dc220ea89887c54e9bf1f2","owner":"sor_owner"}}
{"object":"function sor.make_quota_slots(text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d6ed91bab74449dc866632e2787960497982a9b9442bf4083b3afe00ff6a64d0","owner":"sor_owner"}}
{"object":"function sor.mark_abandoned(uuid,name)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"0c63ecd9b5a17a042f9663b01d5af5d8480bbaf726889673dcc4fb55cb3bcbcb","owner":"sor_owner"}}
{"object":"function sor.outbox_counts(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"a34ae3f0b41fe1f80587875436a70e22048a2524a5f6bb2cbe5ef9367b1c2b37","owner":"sor_owner"}}
{"object":"function sor.over_cap(jsonb)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"e110bd9f48d23f3f8cf69ffa74ceec29e4e80bf250818c41f761d4aa679fc602","owner":"sor_owner"}}
{"object":"function sor.over_cap(text)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"fc8fdbc8116ede9cd4a8f4d62250cc089898f433ac02945f1bdde030c6657a2b","owner":"sor_owner"}}
{"object":"function sor.partition_bounds(regclass)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8013a0ea8c384c2cdbd44b62d5bcda22515a6966d688f31da7fa0e669dada797","owner":"sor_owner"}}
{"object":"function sor.partition_list()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"41af13ddd37d779e57a9f46594719b69fba777eb511b5b53bb6bdeca0746f8a2","owner":"sor_owner"}}
{"object":"function sor.partitioned_tables()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"53f4b1f80f42aa9a997ef8aa675320678314991af5eabcfec967c2c321ee22e8","owner":"sor_owner"}}
{"object":"function sor.prepare_partition(regclass)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"b62e1346370836fb30a9743edb102044ae64220d85c9d67e6669ac93d804d059","owner":"sor_owner"}}
{"object":"function sor.queues_recording_rows()","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"f8b7621ecaea69d5dd336011666d227c90e8e0f10e9c9e0f51e7123c16e4c9af","owner":"sor_owner"}}
{"object":"function sor.quota_count(text,text[],bigint[])","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"507e2f3a64858248b30c4436d2678a4c24a3602a5add42610752ca0c7c56c4c6","owner":"sor_owner"}}
{"object":"function sor.reader_caught_up(text,bigint,text)","module":"kernel","attrs":{"acl":[],"config":["enable_incremental_sort=off","enable_sort=off","jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"79985310b48eeb7217f2e661ab5bc2560ca408ec0b023693eb21fb93bb804995","owner":"sor_owner"}}
{"object":"function sor.reader_page_read(text,bigint)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"b5003ab9f29ef9544352252d18fcd2b0c93be736c0a2fcfa99dc0115be601e2d","owner":"sor_owner"}}
{"object":"function sor.refuse_lease_call(text,bigint,bigint,text,boolean,text,boolean,name,bigint,timestamp with time zone)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"97fb6fc2d0f7806ffb2d6cd492790c830a6281a3ac85786f4e0f7d0b7ce5d62d","owner":"sor_owner"}}
{"object":"function sor.refuse_outbox_call(bigint,bigint,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"757fb36c9907d63267d1f3f6f002efd712f581c5afbff66d44e92cbdf900389c","owner":"sor_owner"}}
{"object":"function sor.refuse_reserved(text,text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"3da1924639de49d987e7d9fa5ebd28229a8bb34aaf50a46be7a90e853d80aeea","owner":"sor_owner"}}
{"object":"function sor.refuse_task_call(bigint,bigint,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"bb765e276cd99c9a6b70c148620d8ca58baa570a6fc6490bea45df7846a3f0fb","owner":"sor_owner"}}
{"object":"function sor.register_tool(text,text,jsonb,regprocedure,text[],boolean,boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"8dd6b10de4ae75128e60708d1de60cbee7d7104204ae9f37f770067005c8eb00","owner":"sor_owner"}}
{"object":"function sor.reserved_kind(text,text,text)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"10529c9b4193ddf2a871849b19ff0e3dd922128d3382c114949b5595d31ab2e0","owner":"sor_owner"}}
{"object":"function sor.reserved_list(text)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"1f42233217e16a28d813f67d69da107456b418f63eccd1d55f1ab71ecc130601","owner":"sor_owner"}}
{"object":"function sor.resume(uuid,integer)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c88a10adfccec09436cee73bde418d7960b87adf6689ca0ca9bb0fd0f1a6c18a","owner":"sor_owner"}}
{"object":"function sor.retry_delay(integer,interval,interval)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"96b18dd15cde296b1d817d8cb0389106f13b8e5803749f77baadd86604d82907","owner":"sor_owner"}}
{"object":"function sor.run_timeline_entries(sor.runs,timestamp with time zone)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"317566494e0db2084e1fb2fe474f2bb9ca82b23091addecce4fb21345896a5c7","owner":"sor_owner"}}
{"object":"function sor.session_defaults()","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"cc814d3f896aa00e0bc8cee7a4f005008de299c136db31323ef0bd4dfdd255fb","owner":"sor_owner"}}
{"object":"function sor.session_defaults_due()","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"35949650394b83f117d546f4b6a17e69e1b7a945dd51a11ee9d3a662cd55c0bd","owner":"sor_owner"}}
{"object":"function sor.sqlstate_words(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"47a21e595b1ec6575ac1902e482de511884ce922edb28c9e86a03149450516f8","owner":"sor_owner"}}
{"object":"function sor.subscription(text,text,boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"31c1873b0e7d1e2d2fcda6f43170cee4d73cf7d3dd9ff765670764b6b40ebf6f","owner":"sor_owner"}}
{"object":"function sor.sweep_lapsed(text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4ec55e5da1476b5d9a6e269fc0f838e90952fc4a8f524353e4e19a390b7087ab","owner":"sor_owner"}}
{"object":"function sor.task_input_problem(text,jsonb,text,integer,interval,integer)","module":"kernel","attrs":{"acl":[],"config":[],"definition_sha256":"2b74b20eb089162c306e95fbd5f30a785ef58c3c3af767fe592393527caedf7d","owner":"sor_owner"}}
{"object":"function sor.task_listen(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"d83de90ba57bd03dd75ee014b7d0d30470ffdc3a7da0bb01d9e665a7d96961c4","owner":"sor_owner"}}
{"object":"function sor.tenant_horizon(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"cf227e73b6d9b7f543a94b622e68bd0054a10375e427cc9c73bb566e5cf41217","owner":"sor_owner"}}
{"object":"function sor.tg_blocks__events()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"88c818b3f52fde1ecc92d11943d333cef50a844c2bfaa6f6291cc96eb93b32f2","owner":"sor_owner"}}
{"object":"function sor.tg_events__refuse_unchained()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"bad45875ce786c039a2ca391393015edce51bcc0c811e3c814d98e4cbc9f1426","owner":"sor_owner"}}
{"object":"function sor.tg_finished_tasks__events_delete()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"625bd9fab6486d32b2c869615d47eff5716cbeef512fad586bc02d8c6d295683","owner":"sor_owner"}}
{"object":"function sor.tg_finished_tasks__events_insert()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"cb8a11f0b4e333440e72e3b72184873d9c5ce1f0143694f0b7c594b78627ad22","owner":"sor_owner"}}
{"object":"function sor.tg_outbox__dedupe()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d254052a05daa83215acbdb28e1a834c013d3ccd00c3445332084ca3fa1bd2cb","owner":"sor_owner"}}
{"object":"function sor.tg_outbox__events_update()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d0e869c19c2f0a1d2c9dea67ddb692abe5e57d832e167e4302540c7959542b54","owner":"sor_owner"}}
{"object":"function sor.tg_outbox__notify_insert()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"e5ebbfe11c9a022b97792804ca1dee94c35ca6b4c0217c4be3d105876613aecf","owner":"sor_owner"}}
{"object":"function sor.tg_outbox__notify_update()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"3627fc95e56d836fe1cce11d778779d21b86fbf989407ea4d7f965aa8c6b4f7d","owner":"sor_owner"}}
{"object":"function sor.tg_runs__events()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"6148932920b90dd6fe190f9dbf2f8c0e2e8f41a56891ea7d723a35f6f79d8373","owner":"sor_owner"}}
{"object":"function sor.tg_tasks__dedupe()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"eae9c8519ea8d76b28b6cf52523f00dfab612ed3d70f03542f29de1f0a87c96b","owner":"sor_owner"}}
{"object":"function sor.tg_tasks__events_update()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c8cb2b6ba8aaddbf1e149e465ad8decb4a1d83e6883d01f8b5ed75c45cd0ec2d","owner":"sor_owner"}}
{"object":"function sor.tg_tasks__quota()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f66b873f74ea092d171ab1c6fbd48da66ce44c7b942e2f0efec4e76ca72833d9","owner":"sor_owner"}}
{"object":"function sor.tool_call_begin(uuid,text,jsonb,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"70c685236feb58ed34a286023d730f2396009c82c767c89655e4185a164babfe","owner":"sor_owner"}}
{"object":"function sor.tool_call_finish(uuid,jsonb,jsonb)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"63f042d138551d4f48329bf525aa9a40209a972357e25e002aceb00a90b34fb9","owner":"sor_owner"}}
{"object":"function sor.tool_call_interrupt(sor.tool_calls,sor.runs)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"09832db21225fda66b7c7df0cd257742e946167624c96c522d5d798f0ec35ebf","owner":"sor_owner"}}
{"object":"function sor.verify_event_chains(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4dc3099c02771c431667d8b053f41e11b0af1369a4c4b4b70c773b36c0bcc96d","owner":"sor_owner"}}
{"object":"function sor.wake_events(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"84f21d74c67dfe2ba808ec14b24d49de1c2c80172c5a3c63ae26c18f33f38d35","owner":"sor_owner"}}
{"object":"function sor.wake_outbox(text[],bigint[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"9749e6027bf63b1952f4b6c0add1697390af9271f58a610a84789899d9607e9e","owner":"sor_owner"}}
{"object":"function sor.wake_tasks(text,text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"7e4a0cfafad4747b72d20e695f420407f884a1829931caa4a751d6b931548f76","owner":"sor_owner"}}
{"object":"function sor.wakeup_channel(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off"],"definition_sha256":"afd12ae089d058b511e779b89fb34fe5094ac93afffadd6ac4819b01738688b6","owner":"sor_owner"}}
{"object":"function sor.worker_run(uuid,boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4e01f70dd78772740d419f559bd2469a716973a14b2708dd4f3cf5178f1930bd","owner":"sor_owner"}}
{"object":"function sor_api.ack_subscription(text,text,bigint)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"bea3c26b880b0baaaee4a6fb0dbe4783712b93bd133e77fcf40f6aaf32a2a398","owner":"sor_owner"}}
{"object":"function sor_api.add_member(text,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"14cae5178970fda44e5ea9d11f79a2482bdfda43342862aa2123f05b5318bb7d","owner":"sor_owner"}}
{"object":"function sor_api.add_tenant(text,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f972db2c1a9e8fda5abb7aaf10f5accd702ebf2687e20d0449649c782745bb96","owner":"sor_owner"}}
{"object":"function sor_api.append_event(text,text,text,jsonb,jsonb,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"bcfbd219536391e817ae1a29487c6904a074dc0d52d29d8b0ad63dc2706d5e87","owner":"sor_owner"}}
{"object":"function sor_api.append_event(text,text,text,jsonb,jsonb,integer,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"8182dc0fe75a56cf0b0b98b73fa3af0515fffc4be8223edb881ceeefe7f6608f","owner":"sor_owner"}}
{"object":"function sor_api.append_events(text,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c1c40c9ee320eb23455c6ac7741e1b9c9196d524bf93134b31b91c6280c18b61","owner":"sor_owner"}}
{"object":"function sor_api.approve_ddl(text,text,text,text,timestamp with time zone)","module":"kernel","attrs":{"acl":["sor_approver:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"dc418525525e4f754257f821e57b57251f31392c55b66a8aa90449e9a2035aab","owner":"sor_owner"}}
{"object":"function sor_api.approve_release(text,text,text,text,timestamp with time zone)","module":"kernel","attrs":{"acl":["sor_approver:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"abf9e52a35af86bbd862fda1ed3340a3492fb7b42659755c2fa0c52b46b4dcbd","owner":"sor_owner"}}
{"object":"function sor_api.begin_tool_call(uuid,text,jsonb,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"8d8529b95433e8ecdec088691bfaacb91d309391081ecda33e8fdfd713cb1452","owner":"sor_owner"}}
{"object":"function sor_api.call_tool(uuid,text,jsonb,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"11cfae707594a6534e02e15e969098bd25f22717d2e9f2d900be52ec228643b0","owner":"sor_owner"}}
{"object":"function sor_api.cancel_run(uuid,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"e8d1584f231dc63d9c88bff2bcb011173366b281460919b664f5caaf44341053","owner":"sor_owner"}}
{"object":"function sor_api.certify()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"aee85fb70811f44094667f04534c34b912bb89c84457d5aafbd4081e64a4938f","owner":"sor_owner"}}
{"object":"function sor_api.check_contract(text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_approver:EXECUTE","sor_auditor:EXECUTE","sor_dispatcher:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"fdd24c8c365fd8bda66ae19113a1fbe6bc88f761663344847dba6e7164ba9840","owner":"sor_owner"}}
{"object":"function sor_api.claim_tasks(text,integer,interval)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"ad680e3351e00e29d142db6d5b83e28ef3c0023cd2f078b8e9fba85c488bb83d","owner":"sor_owner"}}
{"object":"function sor_api.claim_tasks(text,integer,interval,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4bfb6fec9ab7234355708709f0774e604657bb897cf726e06b7d56e5df07b32c","owner":"sor_owner"}}
{"object":"function sor_api.claim_tasks_in_run(uuid,text,integer,interval)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"151929d02a1509743c831abd0db285dc8a70c058b22aab03afa5b75d1314abff","owner":"sor_owner"}}
{"object":"function sor_api.commit_step(uuid,text,integer,jsonb,jsonb,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c4adf730cf56cc279bdb3a539ce6167af45e421178ae883bbc94f1405861dce9","owner":"sor_owner"}}
{"object":"function sor_api.complete_task(bigint,bigint,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"3ef18e79e4b85948689985bbda0764722fde0317cfa419b2061f4855bef1f750","owner":"sor_owner"}}
{"object":"function sor_api.complete_tasks(jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d9890c729688e045aa21b2b3e24c9f6ad481ec57d6889fab377049a0f7257adb","owner":"sor_owner"}}
{"object":"function sor_api.configure_tenant(text,boolean,interval)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4552292ee85e052a808c5e88d9238e191b862daaf8abdf9181e379452a094d36","owner":"sor_owner"}}
{"object":"function sor_api.contract_version()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_approver:EXECUTE","sor_auditor:EXECUTE","sor_dispatcher:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off"],"definition_sha256":"0df9105a472a41774e69d85a156bc0c67fa0316df0582dd635d0b89ca1b60fd3","owner":"sor_owner"}}
{"object":"function sor_api.create_queue(text,text,integer,interval,interval)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"61ebccfedd64b4d7204a62bd37c194312595c396688ffab6282b259f674c2ecf","owner":"sor_owner"}}
{"object":"function sor_api.ddl_guard_targets()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_approver:EXECUTE","sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"8d9de6d4f0c887826fd24baa60f17a2b0d08c5cc6b9f7b14dcdc7fa2d8a3692f","owner":"sor_owner"}}
{"object":"function sor_api.dead_outbox(integer)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"9e0e0c52ce492e2505cb72ef8ce5d6adce0ebefe199c42a00fbcc23566554161","owner":"sor_owner"}}
{"object":"function sor_api.dead_tasks(text,integer)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7906e3b5d12df897a691ace04c52e4ce69a927d93d0c4f858c07cbb0f1fec5fb","owner":"sor_owner"}}
{"object":"function sor_api.enqueue_task(text,text,text,jsonb,text,integer,interval,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"64b58e90db6c117fb035f4eecdfd2ea3f8d9450169dbe31bf9a21cedd70a2c79","owner":"sor_owner"}}
{"object":"function sor_api.enqueue_task_in_run(uuid,text,text,jsonb,text,integer,interval,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"9e008c2983a7374d8ae67b0f16548d63a9272694b4800f0c16a2a21c00de1d00","owner":"sor_owner"}}
{"object":"function sor_api.enqueue_tasks(text,text,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"2aaa207ef45a40ae5729a0f5ac4de2678a093d6d9ba4417b84102807fdced4a0","owner":"sor_owner"}}
{"object":"function sor_api.events_since(bigint,integer)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["enable_incremental_sort=off","enable_sort=off","jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"89a829766921d6d6497b842f1bd250c1b8b947b3dd29946acfbb680921a61b68","owner":"sor_owner"}}
{"object":"function sor_api.fail_task(bigint,bigint,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"5814be4d88adfac00442cdd87b97570f03654d9097476dfc44e7f2a2a1de0782","owner":"sor_owner"}}
{"object":"function sor_api.fail_tasks(jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"e92b1e626ef30985237695fb9f4fca21d95f1d7ada21e7f6702b3806d85f4a31","owner":"sor_owner"}}
{"object":"function sor_api.finish_run(uuid,text,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"7bed03d48eb74bd48864480aeb39d0c4c0164654300cc4621f14b8b15a614dbb","owner":"sor_owner"}}
{"object":"function sor_api.finish_tool_call(uuid,jsonb,jsonb)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"ea8d621dc9e288b65e458ac1488542d2a4675e7ef5c5ed05672cfab14460859e","owner":"sor_owner"}}
{"object":"function sor_api.get_run(uuid)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"004106dbc65c552a2aa5676dfb5abcdf47c3c150243a98e8a341beacbc11bc96","owner":"sor_owner"}}
{"object":"function sor_api.heartbeat(uuid,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f0b40b9272d2b77df3317d7a156e7215550f1084f2a00336f4609de6b32ae50b","owner":"sor_owner"}}
{"object":"function sor_api.heartbeat_task(bigint,bigint)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"90c99ad838b30fff4e887e44b6a3e53e24177168283d482c100f7e68e0c94e27","owner":"sor_owner"}}
{"object":"function sor_api.lease_outbox(integer,interval,text[])","module":"kernel","attrs":{"acl":["sor_dispatcher:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f3332b0da1342cf119ece8fe77882bb8303a5e3685b2741552a1590302777955","owner":"sor_owner"}}
{"object":"function sor_api.ledger_digest()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b7402b5d4f5d52d5aa36c8eb6ff847fe9249b1a3a248591476d56bbf9c663668","owner":"sor_owner"}}
{"object":"function sor_api.list_tools()","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d9d15fb0cb5c534a57b66f36f9de426cd92d6d72b1046d48f43b7651ecd84c9b","owner":"sor_owner"}}
{"object":"function sor_api.maintain_partitions(integer)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_dispatcher:EXECUTE"],"config":["jit=off","lock_timeout=5s","search_path=pg_catalog, pg_temp"],"definition_sha256":"ff6a25f426ec35bc3bafa5009fa4a47278dbabeed3c1f1fa07b0fd8a794433c7","owner":"sor_owner"}}
{"object":"function sor_api.mark_dispatched(bigint,bigint,text)","module":"kernel","attrs":{"acl":["sor_dispatcher:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"4b9aca5df753c28395c0b7e5b8322f76269f4cfdfcd3b4a087caa4681e9666ca","owner":"sor_owner"}}
{"object":"function sor_api.mark_failed(bigint,bigint,text)","module":"kernel","attrs":{"acl":["sor_dispatcher:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d6dbcd163c84321357a1574ba824b4b8c0f3a10ad3fccff129111297f1b4cea4","owner":"sor_owner"}}
{"object":"function sor_api.my_runs()","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"63d3523b62996621c0375ac7c65da503249942785b1d33195539b10ce042dd8f","owner":"sor_owner"}}
{"object":"function sor_api.my_runs(text,uuid,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c781ee8bd53716cb5ecaa6f4987c4ac4fa948b74f2370fbedb1e91e8c80371a9","owner":"sor_owner"}}
{"object":"function sor_api.outbox_metrics()","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_dispatcher:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"1fcd33ae2ad01f448e33b928e0f743af089861871142dfde38e6721991dd91a8","owner":"sor_owner"}}
{"object":"function sor_api.queue_metrics()","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_dispatcher:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b9a2ec7e66c00baf2df823610352fb20c0e5f1b901e692ec7b57a116a9814ed2","owner":"sor_owner"}}
{"object":"function sor_api.quotas(text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"34925bb93e5410d0b508a4b4b70733dcd731d0378641fed7f44e8a6a5caf4750","owner":"sor_owner"}}
{"object":"function sor_api.read_stream(text,text,integer,integer)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"107cc241165649dc33aa37231ac4553fb732fe78160e1203305b442e76365087","owner":"sor_owner"}}
{"object":"function sor_api.read_subscription(text,text,integer)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["enable_incremental_sort=off","enable_sort=off","jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"420034cd579bbccde9c8986adeb2560e7d0fe55c1e1265af668e80496df8d5d9","owner":"sor_owner"}}
{"object":"function sor_api.record_turn(uuid,text,text,integer,integer,text,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"51a60d27c3473446238d6a0b3838067371812b9b95601dde90f01512bd7a78b3","owner":"sor_owner"}}
{"object":"function sor_api.register_domain_schema(text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d525f96e9c10948189e520ffb0c460062a8f0e95647e8675c96164f874cf5e50","owner":"sor_owner"}}
{"object":"function sor_api.register_worker(text,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"f697960fd833650918b103f616a57005b909895ae30809e6afc44499c944ae46","owner":"sor_owner"}}
{"object":"function sor_api.remove_member(text,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"990ed2e48834ad3b17fbba254c7a86bd89e42ce90c850a7a08a6ec26422993e4","owner":"sor_owner"}}
{"object":"function sor_api.require_kernel(text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"3c9540b32feafd7f8d4add6ec5524c070ee2a5cde9ec78d46ad0d3eb9006a8d6","owner":"sor_owner"}}
{"object":"function sor_api.resolve_block(bigint,boolean,text)","module":"kernel","attrs":{"acl":["sor_approver:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"aa1076570b5fab9b9aeaa24ecd29ebae4b090ac325dafe28fd36ee32114a0307","owner":"sor_owner"}}
{"object":"function sor_api.resume_run(uuid,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b09ccc9ed0b67138a193328cd2aa855fbf23edc3d1eb3d274825b262e6dc7288","owner":"sor_owner"}}
{"object":"function sor_api.retire_partition(text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","lock_timeout=5s","search_path=pg_catalog, pg_temp"],"definition_sha256":"7d4cb601f28aa11f04193b1d24e44f420ac509fe6fa89310deec77e4055433ef","owner":"sor_owner"}}
{"object":"function sor_api.retry_outbox(bigint)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"68b456d94c06667d956600db72b28a801e2d121286343c9bc879877b1b0b2600","owner":"sor_owner"}}
{"object":"function sor_api.retry_task(bigint)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"9ce22f1b0ee479a7f36c80e6d8916b44b248e1970a6bc16b0fb6e03cb57382fe","owner":"sor_owner"}}
{"object":"function sor_api.rotate_wakeup_channels()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"adee7e868d0b5c6d055652af52759dbfacee8dcea09c57093c703ca0c396fb45","owner":"sor_owner"}}
{"object":"function sor_api.run_report(uuid)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"df42912e769ef808dfed938995a2de8db508afeab375d2e743723d385169a224","owner":"sor_owner"}}
{"object":"function sor_api.run_report_facts(uuid)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"27fe231a34eacb4bd1342126149c52961dfceba92a00de5b03cf7224f0251a8a","owner":"sor_owner"}}
{"object":"function sor_api.run_timeline(uuid)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"997b5bc8a16fa2028993a41f094f2656c772a796a50604b83212e863f91c1664","owner":"sor_owner"}}
{"object":"function sor_api.run_timeline(uuid,text,integer)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"b7996c9303d0d410e3e73c1835f8be32b181753c8e92c82a116c5e39fe57061e","owner":"sor_owner"}}
{"object":"function sor_api.run_tool_calls(uuid)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"6722b450b78dd0a69fa02a7d571c233d40cd4956d1171a23dc8fcf72c6aa92f5","owner":"sor_owner"}}
{"object":"function sor_api.run_tool_calls(uuid,text,uuid,integer)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"abccc7c848fbb86de08336bd340f331b25c547736a81dbc9134c7cea2fed2168","owner":"sor_owner"}}
{"object":"function sor_api.seal_ledger(integer)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_auditor:EXECUTE","sor_dispatcher:EXECUTE"],"config":["jit=off","lock_timeout=5s","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"209ebec129e3be5b76c8ae1715914ef23133dccfa2baff0e07909c685b540462","owner":"sor_owner"}}
{"object":"function sor_api.set_completion_record(text,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"ca67ad93a321ae399ccc8669742c241229d4ead0d5416c2561e4c83dd08b17a5","owner":"sor_owner"}}
{"object":"function sor_api.set_outbox_broadcast(boolean)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"1b23bf6dfe7be797df112ccbcf9f4b5513c9b6c715aa4c9bdf9baa3b9627fad0","owner":"sor_owner"}}
{"object":"function sor_api.set_overlay(uuid,jsonb)","module":"kernel","attrs":{"acl":["sor_approver:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"326dc871baffcbf82c8c73bc74d986f1939fdde857af931423bacc4a9d88bb38","owner":"sor_owner"}}
{"object":"function sor_api.set_quota(text,text,bigint)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c0622a1c9f5b84b77f2894a50bb1878a225858d930efea41efd0e515df5e1727","owner":"sor_owner"}}
{"object":"function sor_api.set_retention(text,interval,text)","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"1ea67a44e1a31abd1aeba028a97aebe438cfd04c0b5fbda7250be828e97b3e28","owner":"sor_owner"}}
{"object":"function sor_api.start_run(text,text,jsonb,text,integer,boolean,text)","module":"kernel","attrs":{"acl":["sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"eb600c2057cf892840f4d515b7876aff055b2a7ff5e08f80ec7514804274cee3","owner":"sor_owner"}}
{"object":"function sor_api.subscribe(text,text,text,boolean)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["enable_incremental_sort=off","enable_sort=off","jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"de85921f08fa9cd89be87a6612975dc2637987f2b875952cb6f466ece2d34111","owner":"sor_owner"}}
{"object":"function sor_api.subscriptions(text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"cce50115e7dbcb60efc2b476270a1909c098ba7c2d19738dadf994a7e24309eb","owner":"sor_owner"}}
{"object":"function sor_api.sweep_abandoned_runs()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"96d3918d680f6f8c30e7e63be0495e2b17466dd6dcb44efbd37087c000ae373c","owner":"sor_owner"}}
{"object":"function sor_api.sweep_idempotency_keys()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","lock_timeout=5s","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"59373da0ea447d6e91c2953e31bc72a828dca8337dab61f5b8e7ed7e4452d1e1","owner":"sor_owner"}}
{"object":"function sor_api.tenant_events_since(text,bigint,integer)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["enable_incremental_sort=off","enable_sort=off","jit=off","plan_cache_mode=force_generic_plan","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"c2a9410493619e19347b986fbb9dda2916eac2dc235b4140e058f96fabd78b8c","owner":"sor_owner"}}
{"object":"function sor_api.unsubscribe(text,text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"688e481fd412ff2cd67a1b0d19ee4fe2a85fc3c6c82295bbbdb09fcb3355cf25","owner":"sor_owner"}}
{"object":"function sor_api.verify_events(text,text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"d1bb56d62eee73bd5e9e3b0806fd9ac3960daa2c20bc9e0350523c91c5606bd3","owner":"sor_owner"}}
{"object":"function sor_api.verify_events_summary(text,text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"dac5e36fc9813d7b357e7fccd6277ac9876fb703a49dccc926fd6bd8ef2c3acc","owner":"sor_owner"}}
{"object":"function sor_api.verify_ledger(jsonb)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"a08eb284cbfba586376c61bf780ef6d2a86388151df105249b6b876040239f9c","owner":"sor_owner"}}
{"object":"function sor_api.wakeup_channel(text,text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_dispatcher:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"58a29c06fec09401826f8f8ca788dc9f8c7167835950676c23427a3ca780a048","owner":"sor_owner"}}
{"object":"function sor_api.what_happened(timestamp with time zone,timestamp with time zone,text)","module":"kernel","attrs":{"acl":["sor_auditor:EXECUTE","sor_tenant:EXECUTE","sor_worker:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"1abfe23ae1f93a0cb6ef75f6197009766b0231a476c4d3794cb776d722a7ae11","owner":"sor_owner"}}
{"object":"function sor_guard.acl(aclitem[],oid,\"char\")","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"27d3f0e9778e908b900ae1d7d23a6ac7b74162b8e8e448bdc683fba69fd59c6f","owner":"sor_guardian"}}
{"object":"function sor_guard.approval_object(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"461ea7ed0af30fe8df8f3016a4d6f695bedb49d2d135e14a49a748a8fff3ddc0","owner":"sor_guardian"}}
{"object":"function sor_guard.approval_used(text,text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"e6186d826bb7130a806ac013aa24d67668657b64fa58feecd826f7a61517d18a","owner":"sor_guardian"}}
{"object":"function sor_guard.approve(text,text,text,text,timestamp with time zone)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"853577c15147738f2351207501eed414363907da300a53c90f60e5ce9816af14","owner":"sor_guardian"}}
{"object":"function sor_guard.authorize(text,text[],text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"6d6cbb3dbdc4311967cf15bd6cc74ff5c342930dbb2b9e3795bb3cda483addd9","owner":"sor_guardian"}}
{"object":"function sor_guard.begin_release(text,text,text,text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"41f4c9e95937dc82a14b9cf6ceca23b4532c80c34fd1999af68f6367496ceedb","owner":"sor_guardian"}}
{"object":"function sor_guard.can_read_tenant(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off"],"definition_sha256":"3d0976429758a7bf99d1185e853af80365ccd396bbae23dc842cb82a50e71781","owner":"sor_guardian"}}
{"object":"function sor_guard.check_release(text,text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"80ec9df7bba00b90db08649bcabf1f197bc80f07c2332cc5a6787df85ea815a2","owner":"sor_guardian"}}
{"object":"function sor_guard.classify(text,text,text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"e5c0534ee63789d33442bef9fcd24f8f054c0e2e73406776398cecc30469d759","owner":"sor_guardian"}}
{"object":"function sor_guard.contract_lines(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"f084f64ddfcc4310b12f631c624a2c7d66fb960a086e1da98b9f34209e54376a","owner":"sor_guardian"}}
{"object":"function sor_guard.current_tenants()","module":"kernel","attrs":{"acl":["sor_admin:EXECUTE","sor_approver:EXECUTE","sor_auditor:EXECUTE","sor_owner:EXECUTE","sor_tenant:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"db13dd136992e5d27f313f88d2a1172cdf7ca6108f0c07c2880c1b8e22938e00","owner":"sor_guardian"}}
{"object":"function sor_guard.declare_class(text,text,text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"7094495f064458f353b3a15fc7c2563a2c76ac76ac429f6eacdf58d0e772112e","owner":"sor_guardian"}}
{"object":"function sor_guard.diff(text[])","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"f5d94de7d5016347fcd8deffce1e8ee43079f200920c25f313853c7f56ba32cf","owner":"sor_guardian"}}
{"object":"function sor_guard.end_release(text,text,text,text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"f7ab6b0906df1ba9b65afa77c08f8ed0645c9e1c9f971ebc57b8eb80a91736f4","owner":"sor_guardian"}}
{"object":"function sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamp with time zone,bigint)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":[],"definition_sha256":"922617d3fbf0da7bc236c2f1cf0445002792c1404e4ef628cb343d98222a6d9e","owner":"sor_guardian"}}
{"object":"function sor_guard.fail_release(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"bc7779b956f286c5c00d4f7e1fd65eb21b5f1d8b842469bce390bd9efd1e46fc","owner":"sor_guardian"}}
{"object":"function sor_guard.function_sha256(oid)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"ff0be5e9e98af7966b1e485a98c928a5d26f650330ff35ecf6949aebb74830a8","owner":"sor_guardian"}}
{"object":"function sor_guard.ident(oid,oid,integer)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8ea5d574f59c55eee728ae1b2a71bb73cf722a6968d43bb2e0b10e18098a497c","owner":"sor_guardian"}}
{"object":"function sor_guard.is_member(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off"],"definition_sha256":"ab04e2e330440390fb9f5647ba2e7b805ca8b9a16d28b6f9b6d9da4887011485","owner":"sor_guardian"}}
{"object":"function sor_guard.is_target(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"235074a23380a34ef5dcb15b5106d30e7bbe37371e49c7d358d96e7137707352","owner":"sor_guardian"}}
{"object":"function sor_guard.judge(text,text,jsonb,jsonb,boolean,jsonb)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"966252a6bbed4f4167fc2bfe2c522b7f1260c18b25b7d6dd14cef96529b43e90","owner":"sor_guardian"}}
{"object":"function sor_guard.kit_parents()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"38b300640651c6825c76e844febaa892661a708234f619a3d39a81bffe0cb276","owner":"sor_guardian"}}
{"object":"function sor_guard.kit_partition_shape(oid)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"dedfecaa3f8c137511dce0f63bb0d0bfe77d900ed448f283481530221325df92","owner":"sor_guardian"}}
{"object":"function sor_guard.kit_partition_state()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"a98654de3f947453ab6e50e99fd3dec7946d9d5ab350b9a813901d36de833aec","owner":"sor_guardian"}}
{"object":"function sor_guard.live_objects(text[])","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"c085c190a38bc0ad3f46833b5e45ff033d7905bc013fccb46c3488fd3f21d74c","owner":"sor_guardian"}}
{"object":"function sor_guard.manifest_lines(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"9f3cfb2b9ae2a79f8873c0418132b279f12b30a93c9380e0e9be1457cb4752fc","owner":"sor_guardian"}}
{"object":"function sor_guard.may_approve(name)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"aa686602b0ab9e9cc69c17e9e9676c94eb30fe460c06053b55d7ee299db65f20","owner":"sor_guardian"}}
{"object":"function sor_guard.member_tenants()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off"],"definition_sha256":"4b2d4185d2b335394a5930189c410bf9fac939cbb5f7256191845d695d2c7e2b","owner":"sor_guardian"}}
{"object":"function sor_guard.partition_differences()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"1c2e0262eeab32fb1c89b45cb810103055c76eb8fd5ee855cc562822c512ca9b","owner":"sor_guardian"}}
{"object":"function sor_guard.pause(boolean)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"0c64a98b234e80d901a45f54dc9d3d4a52b48b69562d0d9b1f1ade4b2b5e5a31","owner":"sor_guardian"}}
{"object":"function sor_guard.protect_all()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8019dd559c4793ba81cb29826b01f5bfc8a59dde94ad0be97cc02a670a1f8f4b","owner":"sor_guardian"}}
{"object":"function sor_guard.protected_schemas()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"a61ffd9bba560d6cb2c9b738366e868020e7831523e7e18719bc7748e341e202","owner":"sor_guardian"}}
{"object":"function sor_guard.record(text,text,text,oid,oid,jsonb,text,bigint)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"e608eae304422d33c7fd17ad70a418391150807a895c62433da4eb9d8badaae6","owner":"sor_guardian"}}
{"object":"function sor_guard.record_contract(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"a717132469fb01c7e6d5b9249a04c39c09f9a0e525d99c72c3b85b8acca2bcf9","owner":"sor_guardian"}}
{"object":"function sor_guard.record_guard_upgrade()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"6cb63bc96eac757772e3e23f303102c9cb841de12337a3e59315b8e6e311ec26","owner":"sor_guardian"}}
{"object":"function sor_guard.record_kit_partition(regclass)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"d1e0350f8cfa2af1ffc0c061096f5284468506797e6f31270682c0cafb83be6a","owner":"sor_guardian"}}
{"object":"function sor_guard.refuse_concurrent_detach(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"39f0eb83820488214c642c10b074a6646eb1806073ec04b55ea0eb8db6942732","owner":"sor_guardian"}}
{"object":"function sor_guard.release_allows(text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"848bd846e79c652f7ddc55cc4657fa57db8501e17ffb8f72813f9b92a68ee436","owner":"sor_guardian"}}
{"object":"function sor_guard.release_approval(text,text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"26cee272eb1b1a73ae45df08690291fcdc6e479ddef12eac184f8b94b2c3f45b","owner":"sor_guardian"}}
{"object":"function sor_guard.release_changes(text,text,text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"76cfc50511797bce28b7919fc843a9389cc86c168079918ac19e7e112d436d5c","owner":"sor_guardian"}}
{"object":"function sor_guard.release_latest(text,text[])","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"d45239ed2728a41681958ed19cc0f2ce45b8133d7b1953b17463ea6f20a072a3","owner":"sor_guardian"}}
{"object":"function sor_guard.release_module(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8a7471eaa8c952566d185a58e11b4ec924e6ac34adddc27a5691bf26a4aff093","owner":"sor_guardian"}}
{"object":"function sor_guard.require_member(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off"],"definition_sha256":"33dd4837571284f468adb118e90bac755d4d410de367598e36f131cc1e898302","owner":"sor_guardian"}}
{"object":"function sor_guard.require_reader(text)","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off"],"definition_sha256":"c81c3cf7986e15ff64f01267b13c5e3d39fc049143019c6c724362a4acfdf834","owner":"sor_guardian"}}
{"object":"function sor_guard.root_of(oid,oid)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"d678ea474cfdbd3e47226cb4eb12b0a10186d1bc22436752445c7c5f94fd6a75","owner":"sor_guardian"}}
{"object":"function sor_guard.settle(text,text[])","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"ebea3b4923515f34f1f1a0a40795a345ee6ea1cdb802348d7415810b24414657","owner":"sor_guardian"}}
{"object":"function sor_guard.settle_partitions(text)","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"a1bb79f38d05c4ba1364677ea05a012eb31b28fb4f7eb2bf5dc423a56564f947","owner":"sor_guardian"}}
{"object":"function sor_guard.targets()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"b2b239ea483126d80a70a74207fefb06e3b033fb8f4b0ea239d436cf21f2d82e","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_ddl_approvals__check()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"0cc1370e38105494f17c5669a6fd8b2271fffe7bea3b60a09a3be9dc01623bf3","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_ddl_audit__refuse_change()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"0307a888d66f343b15fe3e5eae9ca0e37271da37de65bf7e0104bf56758111e9","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_drop()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8a7a30796d95f3aa04829c141a4880a6dbaa702c33b03d03aa7c82437c26e8d5","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_end()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"19e0779f7df283ac5c07d0cc066dfd3f288ceaf7c5ef0086ee5127ed26c7e985","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_events__chain()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["enable_hashjoin=off","enable_mergejoin=off","jit=off"],"definition_sha256":"864ea1274aff131a80a9f38ecb617a6cae130b63f8a969ce1bc8f500eb7dc2ee","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_events__refuse_change()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, sor, pg_temp"],"definition_sha256":"9d7699675382d43c74becc14bdb8cda7390a3bdb1b8e0271e0b607ba96686c7b","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_history__release_check()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"b3451df07058e7353bf2cc2691819d4cd585a8f57adbed8a11ca87c14adf6733","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_rewrite()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"c2ac7965a0e28a2bb1e054f6721d521686fc7831748b9efd086cb25c667cf23c","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_start()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"8cda7d4acfc17db3ed385f6d0f44ee95c3cefcc4b6498f9eaf0a33b923597d5b","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_watch_drop()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"724e48818d02f4d5a8918779aa686ec76478f65522c2a967f723b11338ff67ee","owner":"sor_guardian"}}
{"object":"function sor_guard.tg_watch_end()","module":"kernel","attrs":{"acl":[],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"dda9e21c2390c7f1f6a16eb61d76638dfd31636eb23ab72a17a9073a154a30cc","owner":"sor_guardian"}}
{"object":"function sor_guard.unrecorded_partitions()","module":"kernel","attrs":{"acl":["sor_owner:EXECUTE"],"config":["jit=off","search_path=pg_catalog, pg_temp"],"definition_sha256":"f5e84707bb2592128be76de9cd45c173ca90c72c7271eeb58d82bae3ff009ac8","owner":"sor_guardian"}}
{"object":"index reconciler.categories_pkey","module":"reconciler","attrs":{"definition":"CREATE UNIQUE INDEX categories_pkey ON reconciler.categories USING btree (tenant_id, category_id)","table":"reconciler.categories","valid":true}}
{"object":"index reconciler.category_rules_pkey","module":"reconciler","attrs":{"definition":"CREATE UNIQUE INDEX category_rules_pkey ON reconciler.category_rules USING btree (tenant_id, rule_id)","table":"reconciler.category_rules","valid":true}}
{"object":"index reconciler.expenses_pkey","module":"reconciler","attrs":{"definition":"CREATE UNIQUE INDEX expenses_pkey ON reconciler.expenses USING btree (tenant_id, expense_id)","table":"reconciler.expenses","valid":true}}
{"object":"index reconciler.expenses_source_key","module":"reconciler","attrs":{"definition":"CREATE UNIQUE INDEX expenses_source_key ON reconciler.expenses USING btree (tenant_id, bank_txn_id)","table":"reconciler.expenses","valid":true}}
{"object":"index reconciler.pending_transactions_pending_idx","module":"reconciler","attrs":{"definition":"CREATE INDEX pending_transactions_pending_idx ON reconciler.pending_transactions USING btree (tenant_id, booked_on) WHERE (status = 'pending'::text)","table":"reconciler.pending_transactions","valid":true}}
{"object":"index reconciler.pending_transactions_pkey","module":"reconciler","attrs":{"definition":"CREATE UNIQUE INDEX pending_transactions_pkey ON reconciler.pending_transactions USING btree (tenant_id, bank_txn_id)","table":"reconciler.pending_transactions","valid":true}}
{"object":"index sor.append_only_tables_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX append_only_tables_pkey ON sor.append_only_tables USING btree (table_schema, table_name)","table":"sor.append_only_tables","valid":true}}
{"object":"index sor.blocks_block_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX blocks_block_id_idx ON sor.blocks USING btree (block_id)","table":"sor.blocks","valid":true}}
{"object":"index sor.blocks_one_active_idx","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX blocks_one_active_idx ON sor.blocks USING btree (tenant_id, run_id) WHERE (status = 'active'::text)","table":"sor.blocks","valid":true}}
{"object":"index sor.blocks_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX blocks_pkey ON sor.blocks USING btree (tenant_id, block_id)","table":"sor.blocks","valid":true}}
{"object":"index sor.ddl_approvals_open_idx","module":"kernel","attrs":{"definition":"CREATE INDEX ddl_approvals_open_idx ON sor.ddl_approvals USING btree (operation, object_identity, expires_at) WHERE (consumed_at IS NULL)","table":"sor.ddl_approvals","valid":true}}
{"object":"index sor.ddl_approvals_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX ddl_approvals_pkey ON sor.ddl_approvals USING btree (approval_id)","table":"sor.ddl_approvals","valid":true}}
{"object":"index sor.ddl_audit_occurred_at_idx","module":"kernel","attrs":{"definition":"CREATE INDEX ddl_audit_occurred_at_idx ON sor.ddl_audit USING btree (occurred_at, audit_id)","table":"sor.ddl_audit","valid":true}}
{"object":"index sor.ddl_audit_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX ddl_audit_pkey ON sor.ddl_audit USING btree (audit_id)","table":"sor.ddl_audit","valid":true}}
{"object":"index sor.dedupe_keys_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX dedupe_keys_pkey ON sor.dedupe_keys USING btree (tenant_id, scope, dedupe_key)","table":"sor.dedupe_keys","valid":true}}
{"object":"index sor.domain_schemas_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX domain_schemas_pkey ON sor.domain_schemas USING btree (schema_name)","table":"sor.domain_schemas","valid":true}}
{"object":"index sor.event_keys_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX event_keys_pkey ON sor.event_keys USING btree (tenant_id, idempotency_key)","table":"sor.event_keys","valid":true}}
{"object":"index sor.events_default_occurred_at_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_default_occurred_at_idx ON sor.events_default USING brin (occurred_at)","table":"sor.events_default","valid":true}}
{"object":"index sor.events_default_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX events_default_pkey ON sor.events_default USING btree (tenant_id, \"position\", occurred_at)","table":"sor.events_default","valid":true}}
{"object":"index sor.events_default_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_default_position_idx ON sor.events_default USING btree (\"position\")","table":"sor.events_default","valid":true}}
{"object":"index sor.events_default_tenant_id_stream_version_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_default_tenant_id_stream_version_idx ON sor.events_default USING btree (tenant_id, stream, version)","table":"sor.events_default","valid":true}}
{"object":"index sor.events_default_tenant_id_tx_id_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_default_tenant_id_tx_id_position_idx ON sor.events_default USING btree (tenant_id, tx_id, \"position\")","table":"sor.events_default","valid":true}}
{"object":"index sor.events_default_tx_id_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_default_tx_id_position_idx ON sor.events_default USING btree (tx_id, \"position\")","table":"sor.events_default","valid":true}}
{"object":"index sor.events_occurred_at_brin","module":"kernel","attrs":{"definition":"CREATE INDEX events_occurred_at_brin ON ONLY sor.events USING brin (occurred_at)","table":"sor.events","valid":true}}
{"object":"index sor.events_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX events_pkey ON ONLY sor.events USING btree (tenant_id, \"position\", occurred_at)","table":"sor.events","valid":true}}
{"object":"index sor.events_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_position_idx ON ONLY sor.events USING btree (\"position\")","table":"sor.events","valid":true}}
{"object":"index sor.events_p{YYYYMM}_occurred_at_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_p{YYYYMM}_occurred_at_idx ON sor.events_p{YYYYMM} USING brin (occurred_at)","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_p{YYYYMM}_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX events_p{YYYYMM}_pkey ON sor.events_p{YYYYMM} USING btree (tenant_id, \"position\", occurred_at)","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_p{YYYYMM}_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_p{YYYYMM}_position_idx ON sor.events_p{YYYYMM} USING btree (\"position\")","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_p{YYYYMM}_tenant_id_stream_version_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_p{YYYYMM}_tenant_id_stream_version_idx ON sor.events_p{YYYYMM} USING btree (tenant_id, stream, version)","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_p{YYYYMM}_tenant_id_tx_id_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_p{YYYYMM}_tenant_id_tx_id_position_idx ON sor.events_p{YYYYMM} USING btree (tenant_id, tx_id, \"position\")","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_p{YYYYMM}_tx_id_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_p{YYYYMM}_tx_id_position_idx ON sor.events_p{YYYYMM} USING btree (tx_id, \"position\")","table":"sor.events_p{YYYYMM}","valid":true}}
{"object":"index sor.events_stream_version_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_stream_version_idx ON ONLY sor.events USING btree (tenant_id, stream, version)","table":"sor.events","valid":true}}
{"object":"index sor.events_tenant_tx_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_tenant_tx_position_idx ON ONLY sor.events USING btree (tenant_id, tx_id, \"position\")","table":"sor.events","valid":true}}
{"object":"index sor.events_tx_position_idx","module":"kernel","attrs":{"definition":"CREATE INDEX events_tx_position_idx ON ONLY sor.events USING btree (tx_id, \"position\")","table":"sor.events","valid":true}}
{"object":"index sor.finished_tasks_dead_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_dead_idx ON ONLY sor.finished_tasks USING btree (queue, finished_at) WHERE (status = 'dead'::text)","table":"sor.finished_tasks","valid":true}}
{"object":"index sor.finished_tasks_default_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX finished_tasks_default_pkey ON sor.finished_tasks_default USING btree (tenant_id, task_id, finished_at)","table":"sor.finished_tasks_default","valid":true}}
{"object":"index sor.finished_tasks_default_queue_finished_at_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_default_queue_finished_at_idx ON sor.finished_tasks_default USING btree (queue, finished_at) WHERE (status = 'dead'::text)","table":"sor.finished_tasks_default","valid":true}}
{"object":"index sor.finished_tasks_default_task_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_default_task_id_idx ON sor.finished_tasks_default USING btree (task_id)","table":"sor.finished_tasks_default","valid":true}}
{"object":"index sor.finished_tasks_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX finished_tasks_pkey ON ONLY sor.finished_tasks USING btree (tenant_id, task_id, finished_at)","table":"sor.finished_tasks","valid":true}}
{"object":"index sor.finished_tasks_p{YYYYMM}_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX finished_tasks_p{YYYYMM}_pkey ON sor.finished_tasks_p{YYYYMM} USING btree (tenant_id, task_id, finished_at)","table":"sor.finished_tasks_p{YYYYMM}","valid":true}}
{"object":"index sor.finished_tasks_p{YYYYMM}_queue_finished_at_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_p{YYYYMM}_queue_finished_at_idx ON sor.finished_tasks_p{YYYYMM} USING btree (queue, finished_at) WHERE (status = 'dead'::text)","table":"sor.finished_tasks_p{YYYYMM}","valid":true}}
{"object":"index sor.finished_tasks_p{YYYYMM}_task_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_p{YYYYMM}_task_id_idx ON sor.finished_tasks_p{YYYYMM} USING btree (task_id)","table":"sor.finished_tasks_p{YYYYMM}","valid":true}}
{"object":"index sor.finished_tasks_task_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX finished_tasks_task_id_idx ON ONLY sor.finished_tasks USING btree (task_id)","table":"sor.finished_tasks","valid":true}}
{"object":"index sor.idempotency_keys_expires_idx","module":"kernel","attrs":{"definition":"CREATE INDEX idempotency_keys_expires_idx ON sor.idempotency_keys USING btree (expires_at)","table":"sor.idempotency_keys","valid":true}}
{"object":"index sor.idempotency_keys_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX idempotency_keys_pkey ON sor.idempotency_keys USING btree (tenant_id, scope, idempotency_key)","table":"sor.idempotency_keys","valid":true}}
{"object":"index sor.ledger_blocks_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX ledger_blocks_pkey ON sor.ledger_blocks USING btree (block_id)","table":"sor.ledger_blocks","valid":true}}
{"object":"index sor.outbox_default_available_at_outbox_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_default_available_at_outbox_id_idx ON sor.outbox_default USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text, 'leased'::text]))","table":"sor.outbox_default","valid":true}}
{"object":"index sor.outbox_default_outbox_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_default_outbox_id_idx ON sor.outbox_default USING btree (outbox_id)","table":"sor.outbox_default","valid":true}}
{"object":"index sor.outbox_default_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX outbox_default_pkey ON sor.outbox_default USING btree (tenant_id, outbox_id, created_at)","table":"sor.outbox_default","valid":true}}
{"object":"index sor.outbox_default_tenant_id_run_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_default_tenant_id_run_id_idx ON sor.outbox_default USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL)","table":"sor.outbox_default","valid":true}}
{"object":"index sor.outbox_due_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_due_idx ON ONLY sor.outbox USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text, 'leased'::text]))","table":"sor.outbox","valid":true}}
{"object":"index sor.outbox_outbox_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_outbox_id_idx ON ONLY sor.outbox USING btree (outbox_id)","table":"sor.outbox","valid":true}}
{"object":"index sor.outbox_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX outbox_pkey ON ONLY sor.outbox USING btree (tenant_id, outbox_id, created_at)","table":"sor.outbox","valid":true}}
{"object":"index sor.outbox_p{YYYYMM}_available_at_outbox_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_p{YYYYMM}_available_at_outbox_id_idx ON sor.outbox_p{YYYYMM} USING btree (available_at, outbox_id) WHERE (status = ANY (ARRAY['pending'::text, 'failed'::text, 'leased'::text]))","table":"sor.outbox_p{YYYYMM}","valid":true}}
{"object":"index sor.outbox_p{YYYYMM}_outbox_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_p{YYYYMM}_outbox_id_idx ON sor.outbox_p{YYYYMM} USING btree (outbox_id)","table":"sor.outbox_p{YYYYMM}","valid":true}}
{"object":"index sor.outbox_p{YYYYMM}_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX outbox_p{YYYYMM}_pkey ON sor.outbox_p{YYYYMM} USING btree (tenant_id, outbox_id, created_at)","table":"sor.outbox_p{YYYYMM}","valid":true}}
{"object":"index sor.outbox_p{YYYYMM}_tenant_id_run_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_p{YYYYMM}_tenant_id_run_id_idx ON sor.outbox_p{YYYYMM} USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL)","table":"sor.outbox_p{YYYYMM}","valid":true}}
{"object":"index sor.outbox_run_idx","module":"kernel","attrs":{"definition":"CREATE INDEX outbox_run_idx ON ONLY sor.outbox USING btree (tenant_id, run_id) WHERE (run_id IS NOT NULL)","table":"sor.outbox","valid":true}}
{"object":"index sor.queues_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX queues_pkey ON sor.queues USING btree (queue)","table":"sor.queues","valid":true}}
{"object":"index sor.quota_defaults_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX quota_defaults_pkey ON sor.quota_defaults USING btree (kind)","table":"sor.quota_defaults","valid":true}}
{"object":"index sor.reserved_names_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX reserved_names_pkey ON sor.reserved_names USING btree (kind, name)","table":"sor.reserved_names","valid":true}}
{"object":"index sor.retention_policies_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX retention_policies_pkey ON sor.retention_policies USING btree (table_name, set_at)","table":"sor.retention_policies","valid":true}}
{"object":"index sor.retired_partitions_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX retired_partitions_pkey ON sor.retired_partitions USING btree (partition_name)","table":"sor.retired_partitions","valid":true}}
{"object":"index sor.retired_stream_heads_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX retired_stream_heads_pkey ON sor.retired_stream_heads USING btree (tenant_id, stream, partition_name)","table":"sor.retired_stream_heads","valid":true}}
{"object":"index sor.run_tasks_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX run_tasks_pkey ON sor.run_tasks USING btree (tenant_id, run_id, task_id, link, fencing_token)","table":"sor.run_tasks","valid":true}}
{"object":"index sor.runs_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX runs_pkey ON sor.runs USING btree (tenant_id, run_id)","table":"sor.runs","valid":true}}
{"object":"index sor.runs_run_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX runs_run_id_idx ON sor.runs USING btree (run_id)","table":"sor.runs","valid":true}}
{"object":"index sor.runs_sweep_idx","module":"kernel","attrs":{"definition":"CREATE INDEX runs_sweep_idx ON sor.runs USING btree (tenant_id, sweep_at) WHERE (status = 'running'::text)","table":"sor.runs","valid":true}}
{"object":"index sor.runs_worker_run_idx","module":"kernel","attrs":{"definition":"CREATE INDEX runs_worker_run_idx ON sor.runs USING btree (worker_role, started_at, run_id)","table":"sor.runs","valid":true}}
{"object":"index sor.runs_worker_status_idx","module":"kernel","attrs":{"definition":"CREATE INDEX runs_worker_status_idx ON sor.runs USING btree (worker_role, status, started_at, run_id)","table":"sor.runs","valid":true}}
{"object":"index sor.steps_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX steps_pkey ON sor.steps USING btree (tenant_id, run_id, step_id)","table":"sor.steps","valid":true}}
{"object":"index sor.steps_version_key","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX steps_version_key ON sor.steps USING btree (tenant_id, run_id, version)","table":"sor.steps","valid":true}}
{"object":"index sor.streams_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX streams_pkey ON sor.streams USING btree (tenant_id, stream)","table":"sor.streams","valid":true}}
{"object":"index sor.subscriptions_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX subscriptions_pkey ON sor.subscriptions USING btree (tenant_id, name)","table":"sor.subscriptions","valid":true}}
{"object":"index sor.task_listeners_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX task_listeners_pkey ON sor.task_listeners USING btree (queue, pid)","table":"sor.task_listeners","valid":true}}
{"object":"index sor.tasks_claimed_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tasks_claimed_idx ON sor.tasks USING btree (queue, lease_expires_at) WHERE (status = 'claimed'::text)","table":"sor.tasks","valid":true}}
{"object":"index sor.tasks_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tasks_pkey ON sor.tasks USING btree (tenant_id, task_id)","table":"sor.tasks","valid":true}}
{"object":"index sor.tasks_ready_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tasks_ready_idx ON sor.tasks USING btree (queue, priority DESC, run_after, task_id) WHERE (status = ANY (ARRAY['ready'::text, 'failed'::text]))","table":"sor.tasks","valid":true}}
{"object":"index sor.tasks_task_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tasks_task_id_idx ON sor.tasks USING btree (task_id)","table":"sor.tasks","valid":true}}
{"object":"index sor.tenant_members_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tenant_members_pkey ON sor.tenant_members USING btree (tenant_id, role_name)","table":"sor.tenant_members","valid":true}}
{"object":"index sor.tenant_members_role_name_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tenant_members_role_name_idx ON sor.tenant_members USING btree (role_name, tenant_id)","table":"sor.tenant_members","valid":true}}
{"object":"index sor.tenant_quotas_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tenant_quotas_pkey ON sor.tenant_quotas USING btree (tenant_id, kind)","table":"sor.tenant_quotas","valid":true}}
{"object":"index sor.tenant_settings_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tenant_settings_pkey ON sor.tenant_settings USING btree (tenant_id)","table":"sor.tenant_settings","valid":true}}
{"object":"index sor.tenant_usage_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tenant_usage_pkey ON sor.tenant_usage USING btree (tenant_id, kind, slot)","table":"sor.tenant_usage","valid":true}}
{"object":"index sor.tenants_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tenants_pkey ON sor.tenants USING btree (tenant_id)","table":"sor.tenants","valid":true}}
{"object":"index sor.tool_calls_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tool_calls_pkey ON sor.tool_calls USING btree (tenant_id, tool_call_id)","table":"sor.tool_calls","valid":true}}
{"object":"index sor.tool_calls_run_call_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tool_calls_run_call_idx ON sor.tool_calls USING btree (tenant_id, run_id, started_at, tool_call_id)","table":"sor.tool_calls","valid":true}}
{"object":"index sor.tool_calls_tool_call_id_idx","module":"kernel","attrs":{"definition":"CREATE INDEX tool_calls_tool_call_id_idx ON sor.tool_calls USING btree (tool_call_id)","table":"sor.tool_calls","valid":true}}
{"object":"index sor.tools_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX tools_pkey ON sor.tools USING btree (tool_name)","table":"sor.tools","valid":true}}
{"object":"index sor.turns_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX turns_pkey ON sor.turns USING btree (tenant_id, run_id, turn_no)","table":"sor.turns","valid":true}}
{"object":"index sor.wakeup_secret_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX wakeup_secret_pkey ON sor.wakeup_secret USING btree (singleton)","table":"sor.wakeup_secret","valid":true}}
{"object":"index sor.workers_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX workers_pkey ON sor.workers USING btree (role_name)","table":"sor.workers","valid":true}}
{"object":"index sor_guard.classes_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX classes_pkey ON sor_guard.classes USING btree (kind, identity, class)","table":"sor_guard.classes","valid":true}}
{"object":"index sor_guard.contracts_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX contracts_pkey ON sor_guard.contracts USING btree (entry_id)","table":"sor_guard.contracts","valid":true}}
{"object":"index sor_guard.kit_partitions_name_idx","module":"kernel","attrs":{"definition":"CREATE INDEX kit_partitions_name_idx ON sor_guard.kit_partitions USING btree (partition_name, entry_id)","table":"sor_guard.kit_partitions","valid":true}}
{"object":"index sor_guard.kit_partitions_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX kit_partitions_pkey ON sor_guard.kit_partitions USING btree (entry_id)","table":"sor_guard.kit_partitions","valid":true}}
{"object":"index sor_guard.register_identity_idx","module":"kernel","attrs":{"definition":"CREATE INDEX register_identity_idx ON sor_guard.register USING btree (kind, identity, entry_id)","table":"sor_guard.register","valid":true}}
{"object":"index sor_guard.register_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX register_pkey ON sor_guard.register USING btree (entry_id)","table":"sor_guard.register","valid":true}}
{"object":"index sor_guard.register_root_idx","module":"kernel","attrs":{"definition":"CREATE INDEX register_root_idx ON sor_guard.register USING btree (root_kind, root_objid)","table":"sor_guard.register","valid":true}}
{"object":"index sor_guard.releases_history_idx","module":"kernel","attrs":{"definition":"CREATE INDEX releases_history_idx ON sor_guard.releases USING btree (history, entry_id)","table":"sor_guard.releases","valid":true}}
{"object":"index sor_guard.releases_pkey","module":"kernel","attrs":{"definition":"CREATE UNIQUE INDEX releases_pkey ON sor_guard.releases USING btree (entry_id)","table":"sor_guard.releases","valid":true}}
{"object":"policy blocks_auditor_select on sor.blocks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy blocks_owner_all on sor.blocks","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy blocks_tenant_select on sor.blocks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant","sor_approver"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy categories_auditor_select on reconciler.categories","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy categories_owner_all on reconciler.categories","module":"reconciler","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy categories_tenant_select on reconciler.categories","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy category_rules_auditor_select on reconciler.category_rules","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy category_rules_owner_all on reconciler.category_rules","module":"reconciler","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy dedupe_keys_auditor_select on sor.dedupe_keys","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy dedupe_keys_owner_all on sor.dedupe_keys","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy event_keys_auditor_select on sor.event_keys","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy event_keys_owner_all on sor.event_keys","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy events_auditor_select on sor.events","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy events_owner_all on sor.events","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy events_tenant_select on sor.events","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy expenses_auditor_select on reconciler.expenses","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy expenses_owner_all on reconciler.expenses","module":"reconciler","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy expenses_tenant_select on reconciler.expenses","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy finished_tasks_auditor_select on sor.finished_tasks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy finished_tasks_owner_all on sor.finished_tasks","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy finished_tasks_tenant_select on sor.finished_tasks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy idempotency_keys_auditor_select on sor.idempotency_keys","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy idempotency_keys_owner_all on sor.idempotency_keys","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy outbox_auditor_select on sor.outbox","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy outbox_owner_all on sor.outbox","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.events_default","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.events_p{YYYYMM}","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.finished_tasks_default","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.finished_tasks_p{YYYYMM}","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.outbox_default","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy partition_owner_all on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy pending_transactions_auditor_select on reconciler.pending_transactions","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy pending_transactions_owner_all on reconciler.pending_transactions","module":"reconciler","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy pending_transactions_tenant_select on reconciler.pending_transactions","module":"reconciler","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy retired_stream_heads_auditor_select on sor.retired_stream_heads","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy retired_stream_heads_owner_all on sor.retired_stream_heads","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy run_tasks_auditor_select on sor.run_tasks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy run_tasks_owner_all on sor.run_tasks","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy runs_auditor_select on sor.runs","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy runs_owner_all on sor.runs","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy runs_tenant_select on sor.runs","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant","sor_approver"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy steps_auditor_select on sor.steps","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy steps_owner_all on sor.steps","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy steps_tenant_select on sor.steps","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy streams_auditor_select on sor.streams","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy streams_owner_all on sor.streams","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy subscriptions_auditor_select on sor.subscriptions","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy subscriptions_owner_all on sor.subscriptions","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy task_listeners_owner_all on sor.task_listeners","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tasks_auditor_select on sor.tasks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy tasks_owner_all on sor.tasks","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tasks_tenant_select on sor.tasks","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy tenant_members_approver_select on sor.tenant_members","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_approver"],"using":"(role_name = CURRENT_USER)"}}
{"object":"policy tenant_members_auditor_select on sor.tenant_members","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor","sor_admin"],"using":"true"}}
{"object":"policy tenant_members_owner_all on sor.tenant_members","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tenant_members_tenant_select on sor.tenant_members","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(role_name = CURRENT_USER)"}}
{"object":"policy tenant_quotas_auditor_select on sor.tenant_quotas","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy tenant_quotas_owner_all on sor.tenant_quotas","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tenant_settings_auditor_select on sor.tenant_settings","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor","sor_admin"],"using":"true"}}
{"object":"policy tenant_settings_owner_all on sor.tenant_settings","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tenant_usage_auditor_select on sor.tenant_usage","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy tenant_usage_owner_all on sor.tenant_usage","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tenants_auditor_select on sor.tenants","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor","sor_admin"],"using":"true"}}
{"object":"policy tenants_owner_all on sor.tenants","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tenants_tenant_select on sor.tenants","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy tool_calls_auditor_select on sor.tool_calls","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy tool_calls_owner_all on sor.tool_calls","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy tool_calls_tenant_select on sor.tool_calls","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy turns_auditor_select on sor.turns","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor"],"using":"true"}}
{"object":"policy turns_owner_all on sor.turns","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy turns_tenant_select on sor.turns","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_tenant"],"using":"(tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants))"}}
{"object":"policy wakeup_secret_owner_all on sor.wakeup_secret","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"policy workers_auditor_select on sor.workers","module":"kernel","attrs":{"command":"select","permissive":true,"roles":["sor_auditor","sor_admin"],"using":"true"}}
{"object":"policy workers_owner_all on sor.workers","module":"kernel","attrs":{"check":"true","command":"all","permissive":true,"roles":["sor_owner"],"using":"true"}}
{"object":"schema reconciler","module":"reconciler","attrs":{"acl":["sor_admin:USAGE","sor_auditor:USAGE","sor_tenant:USAGE"],"owner":"sor_owner"}}
{"object":"schema sor","module":"kernel","attrs":{"acl":["sor_admin:USAGE","sor_approver:USAGE","sor_auditor:USAGE","sor_guardian:USAGE","sor_tenant:USAGE"],"owner":"sor_owner"}}
{"object":"schema sor_api","module":"kernel","attrs":{"acl":["sor_admin:USAGE","sor_approver:USAGE","sor_auditor:USAGE","sor_dispatcher:USAGE","sor_tenant:USAGE","sor_worker:USAGE"],"owner":"sor_owner"}}
{"object":"schema sor_guard","module":"kernel","attrs":{"acl":["sor_admin:USAGE","sor_approver:USAGE","sor_auditor:USAGE","sor_owner:USAGE","sor_tenant:USAGE"],"owner":"sor_guardian"}}
{"object":"sequence reconciler.expenses_expense_id_seq","module":"reconciler","attrs":{"acl":[],"owned_by":"reconciler.expenses.expense_id","owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.blocks_block_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor.blocks.block_id","owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.ddl_approvals_approval_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor.ddl_approvals.approval_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.ddl_audit_audit_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor.ddl_audit.audit_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.events_position_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor.events.\"position\"","owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.fencing_tokens","module":"kernel","attrs":{"acl":[],"owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.outbox_ids","module":"kernel","attrs":{"acl":[],"owned_by":"sor.outbox.outbox_id","owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor.tasks_task_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor.tasks.task_id","owner":"sor_owner","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor_guard.contracts_entry_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor_guard.contracts.entry_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor_guard.kit_partitions_entry_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor_guard.kit_partitions.entry_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor_guard.register_entry_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor_guard.register.entry_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"sequence sor_guard.releases_entry_id_seq","module":"kernel","attrs":{"acl":[],"owned_by":"sor_guard.releases.entry_id","owner":"sor_guardian","parameters":"increment 1 minvalue 1 maxvalue 9223372036854775807 start 1 cache 1","type":"bigint"}}
{"object":"table reconciler.categories","module":"reconciler","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table reconciler.category_rules","module":"reconciler","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table reconciler.expenses","module":"reconciler","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table reconciler.pending_transactions","module":"reconciler","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"force_rls":true,"options":["fillfactor=90"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.append_only_tables","module":"kernel","attrs":{"acl":[],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.blocks","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.ddl_approvals","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.ddl_audit","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.dedupe_keys","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":["fillfactor=90"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.domain_schemas","module":"kernel","attrs":{"acl":["sor_guardian:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.event_keys","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_scale_factor=0.02","fillfactor=80"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.events","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","partition_key":"RANGE (occurred_at)","persistence":"logged","relkind":"partitioned table","replica_identity":"default","rls":true}}
{"object":"table sor.events_default","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","partition_bound":"DEFAULT","partition_of":"sor.events","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.events_p{YYYYMM}","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","partition_bound":"monthly","partition_of":"sor.events","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.finished_tasks","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","partition_key":"RANGE (finished_at)","persistence":"logged","relkind":"partitioned table","replica_identity":"default","rls":true}}
{"object":"table sor.finished_tasks_default","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","partition_bound":"DEFAULT","partition_of":"sor.finished_tasks","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.finished_tasks_p{YYYYMM}","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","partition_bound":"monthly","partition_of":"sor.finished_tasks","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.idempotency_keys","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.ledger_blocks","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.outbox","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","partition_key":"RANGE (created_at)","persistence":"logged","relkind":"partitioned table","replica_identity":"full","rls":true}}
{"object":"table sor.outbox_default","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=80"],"owner":"sor_owner","partition_bound":"DEFAULT","partition_of":"sor.outbox","persistence":"logged","relkind":"table","replica_identity":"full","rls":true}}
{"object":"table sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=80"],"owner":"sor_owner","partition_bound":"monthly","partition_of":"sor.outbox","persistence":"logged","relkind":"table","replica_identity":"full","rls":true}}
{"object":"table sor.queues","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.quota_defaults","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.reserved_names","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.retention_policies","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.retired_partitions","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.retired_stream_heads","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.run_tasks","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.runs","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=80"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.steps","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.streams","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=70"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.subscriptions","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.task_listeners","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tasks","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=70"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tenant_members","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tenant_quotas","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tenant_settings","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tenant_usage","module":"kernel","attrs":{"acl":["sor_auditor:SELECT"],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=50"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tenants","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tool_calls","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":["autovacuum_analyze_scale_factor=0.02","autovacuum_vacuum_cost_delay=0","autovacuum_vacuum_insert_scale_factor=0.05","autovacuum_vacuum_scale_factor=0.01","autovacuum_vacuum_threshold=200","fillfactor=80"],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.tools","module":"kernel","attrs":{"acl":[],"force_rls":false,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor.turns","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.wakeup_secret","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor.workers","module":"kernel","attrs":{"acl":[],"force_rls":true,"options":[],"owner":"sor_owner","persistence":"logged","relkind":"table","replica_identity":"default","rls":true}}
{"object":"table sor_guard.classes","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor_guard.contracts","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor_guard.kit_partitions","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor_guard.register","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"table sor_guard.releases","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"force_rls":false,"options":[],"owner":"sor_guardian","persistence":"logged","relkind":"table","replica_identity":"default","rls":false}}
{"object":"trigger append_only_tables_refuse_truncate on sor.append_only_tables","module":"kernel","attrs":{"definition":"CREATE TRIGGER append_only_tables_refuse_truncate BEFORE TRUNCATE ON sor.append_only_tables FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger append_only_tables_refuse_update_delete on sor.append_only_tables","module":"kernel","attrs":{"definition":"CREATE TRIGGER append_only_tables_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.append_only_tables FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger blocks_events on sor.blocks","module":"kernel","attrs":{"definition":"CREATE TRIGGER blocks_events AFTER INSERT OR UPDATE ON sor.blocks FOR EACH ROW EXECUTE FUNCTION sor.tg_blocks__events()","enabled":"always"}}
{"object":"trigger classes_refuse_truncate on sor_guard.classes","module":"kernel","attrs":{"definition":"CREATE TRIGGER classes_refuse_truncate BEFORE TRUNCATE ON sor_guard.classes FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger classes_refuse_update_delete on sor_guard.classes","module":"kernel","attrs":{"definition":"CREATE TRIGGER classes_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.classes FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger contracts_refuse_truncate on sor_guard.contracts","module":"kernel","attrs":{"definition":"CREATE TRIGGER contracts_refuse_truncate BEFORE TRUNCATE ON sor_guard.contracts FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger contracts_refuse_update_delete on sor_guard.contracts","module":"kernel","attrs":{"definition":"CREATE TRIGGER contracts_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.contracts FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger ddl_approvals_check_insert on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CREATE TRIGGER ddl_approvals_check_insert BEFORE INSERT ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check()","enabled":"always"}}
{"object":"trigger ddl_approvals_refuse_truncate on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CREATE TRIGGER ddl_approvals_refuse_truncate BEFORE TRUNCATE ON sor.ddl_approvals FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check()","enabled":"always"}}
{"object":"trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals","module":"kernel","attrs":{"definition":"CREATE TRIGGER ddl_approvals_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_approvals FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_approvals__check()","enabled":"always"}}
{"object":"trigger ddl_audit_refuse_truncate on sor.ddl_audit","module":"kernel","attrs":{"definition":"CREATE TRIGGER ddl_audit_refuse_truncate BEFORE TRUNCATE ON sor.ddl_audit FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_ddl_audit__refuse_change()","enabled":"always"}}
{"object":"trigger ddl_audit_refuse_update_delete on sor.ddl_audit","module":"kernel","attrs":{"definition":"CREATE TRIGGER ddl_audit_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ddl_audit FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_ddl_audit__refuse_change()","enabled":"always"}}
{"object":"trigger events_chain on sor.events","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_chain AFTER INSERT ON sor.events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__chain()","enabled":"always"}}
{"object":"trigger events_refuse_statement on sor.events","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_statement BEFORE DELETE OR UPDATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger events_refuse_truncate on sor.events","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON sor.events FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger events_refuse_unchained on sor.events","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_unchained BEFORE INSERT ON sor.events FOR EACH ROW WHEN ((new.version = 0)) EXECUTE FUNCTION sor.tg_events__refuse_unchained()","enabled":"always"}}
{"object":"trigger events_refuse_unchained on sor.events_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_unchained BEFORE INSERT ON sor.events_default FOR EACH ROW WHEN ((new.version = 0)) EXECUTE FUNCTION sor.tg_events__refuse_unchained()","enabled":"always"}}
{"object":"trigger events_refuse_unchained on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_unchained BEFORE INSERT ON sor.events_p{YYYYMM} FOR EACH ROW WHEN ((new.version = 0)) EXECUTE FUNCTION sor.tg_events__refuse_unchained()","enabled":"always"}}
{"object":"trigger events_refuse_update_delete on sor.events","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger events_refuse_update_delete on sor.events_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events_default FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger events_refuse_update_delete on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER events_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events_p{YYYYMM} FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger finished_tasks_events_delete on sor.finished_tasks","module":"kernel","attrs":{"definition":"CREATE TRIGGER finished_tasks_events_delete AFTER DELETE ON sor.finished_tasks REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_finished_tasks__events_delete()","enabled":"always"}}
{"object":"trigger finished_tasks_events_insert on sor.finished_tasks","module":"kernel","attrs":{"definition":"CREATE TRIGGER finished_tasks_events_insert AFTER INSERT ON sor.finished_tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_finished_tasks__events_insert()","enabled":"always"}}
{"object":"trigger kit_partitions_refuse_truncate on sor_guard.kit_partitions","module":"kernel","attrs":{"definition":"CREATE TRIGGER kit_partitions_refuse_truncate BEFORE TRUNCATE ON sor_guard.kit_partitions FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger kit_partitions_refuse_update_delete on sor_guard.kit_partitions","module":"kernel","attrs":{"definition":"CREATE TRIGGER kit_partitions_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.kit_partitions FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger ledger_blocks_refuse_truncate on sor.ledger_blocks","module":"kernel","attrs":{"definition":"CREATE TRIGGER ledger_blocks_refuse_truncate BEFORE TRUNCATE ON sor.ledger_blocks FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger ledger_blocks_refuse_update_delete on sor.ledger_blocks","module":"kernel","attrs":{"definition":"CREATE TRIGGER ledger_blocks_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.ledger_blocks FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger outbox_dedupe on sor.outbox","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_dedupe BEFORE INSERT ON sor.outbox FOR EACH ROW EXECUTE FUNCTION sor.tg_outbox__dedupe()","enabled":"always"}}
{"object":"trigger outbox_dedupe on sor.outbox_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_dedupe BEFORE INSERT ON sor.outbox_default FOR EACH ROW EXECUTE FUNCTION sor.tg_outbox__dedupe()","enabled":"always"}}
{"object":"trigger outbox_dedupe on sor.outbox_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_dedupe BEFORE INSERT ON sor.outbox_p{YYYYMM} FOR EACH ROW EXECUTE FUNCTION sor.tg_outbox__dedupe()","enabled":"always"}}
{"object":"trigger outbox_events_update on sor.outbox","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_events_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__events_update()","enabled":"always"}}
{"object":"trigger outbox_notify_insert on sor.outbox","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_notify_insert AFTER INSERT ON sor.outbox REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_insert()","enabled":"always"}}
{"object":"trigger outbox_notify_update on sor.outbox","module":"kernel","attrs":{"definition":"CREATE TRIGGER outbox_notify_update AFTER UPDATE ON sor.outbox REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_outbox__notify_update()","enabled":"always"}}
{"object":"trigger partition_refuse_statement on sor.events_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_statement BEFORE DELETE OR UPDATE ON sor.events_default FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger partition_refuse_statement on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_statement BEFORE DELETE OR UPDATE ON sor.events_p{YYYYMM} FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger partition_refuse_truncate on sor.events_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_truncate BEFORE TRUNCATE ON sor.events_default FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger partition_refuse_truncate on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_truncate BEFORE TRUNCATE ON sor.events_p{YYYYMM} FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger partition_refuse_update_delete on sor.events_default","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events_default FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger partition_refuse_update_delete on sor.events_p{YYYYMM}","module":"kernel","attrs":{"definition":"CREATE TRIGGER partition_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.events_p{YYYYMM} FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger register_refuse_truncate on sor_guard.register","module":"kernel","attrs":{"definition":"CREATE TRIGGER register_refuse_truncate BEFORE TRUNCATE ON sor_guard.register FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger register_refuse_update_delete on sor_guard.register","module":"kernel","attrs":{"definition":"CREATE TRIGGER register_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.register FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger releases_refuse_truncate on sor_guard.releases","module":"kernel","attrs":{"definition":"CREATE TRIGGER releases_refuse_truncate BEFORE TRUNCATE ON sor_guard.releases FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger releases_refuse_update_delete on sor_guard.releases","module":"kernel","attrs":{"definition":"CREATE TRIGGER releases_refuse_update_delete BEFORE DELETE OR UPDATE ON sor_guard.releases FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger reserved_names_refuse_truncate on sor.reserved_names","module":"kernel","attrs":{"definition":"CREATE TRIGGER reserved_names_refuse_truncate BEFORE TRUNCATE ON sor.reserved_names FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger reserved_names_refuse_update_delete on sor.reserved_names","module":"kernel","attrs":{"definition":"CREATE TRIGGER reserved_names_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.reserved_names FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retention_policies_refuse_truncate on sor.retention_policies","module":"kernel","attrs":{"definition":"CREATE TRIGGER retention_policies_refuse_truncate BEFORE TRUNCATE ON sor.retention_policies FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retention_policies_refuse_update_delete on sor.retention_policies","module":"kernel","attrs":{"definition":"CREATE TRIGGER retention_policies_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retention_policies FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retired_partitions_refuse_truncate on sor.retired_partitions","module":"kernel","attrs":{"definition":"CREATE TRIGGER retired_partitions_refuse_truncate BEFORE TRUNCATE ON sor.retired_partitions FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retired_partitions_refuse_update_delete on sor.retired_partitions","module":"kernel","attrs":{"definition":"CREATE TRIGGER retired_partitions_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retired_partitions FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retired_stream_heads_refuse_truncate on sor.retired_stream_heads","module":"kernel","attrs":{"definition":"CREATE TRIGGER retired_stream_heads_refuse_truncate BEFORE TRUNCATE ON sor.retired_stream_heads FOR EACH STATEMENT EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger retired_stream_heads_refuse_update_delete on sor.retired_stream_heads","module":"kernel","attrs":{"definition":"CREATE TRIGGER retired_stream_heads_refuse_update_delete BEFORE DELETE OR UPDATE ON sor.retired_stream_heads FOR EACH ROW EXECUTE FUNCTION sor_guard.tg_events__refuse_change()","enabled":"always"}}
{"object":"trigger runs_events on sor.runs","module":"kernel","attrs":{"definition":"CREATE TRIGGER runs_events AFTER INSERT OR UPDATE ON sor.runs FOR EACH ROW EXECUTE FUNCTION sor.tg_runs__events()","enabled":"always"}}
{"object":"trigger tasks_dedupe on sor.tasks","module":"kernel","attrs":{"definition":"CREATE TRIGGER tasks_dedupe BEFORE INSERT ON sor.tasks FOR EACH ROW WHEN ((new.dedupe_key IS NOT NULL)) EXECUTE FUNCTION sor.tg_tasks__dedupe()","enabled":"always"}}
{"object":"trigger tasks_events_update on sor.tasks","module":"kernel","attrs":{"definition":"CREATE TRIGGER tasks_events_update AFTER UPDATE ON sor.tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__events_update()","enabled":"always"}}
{"object":"trigger tasks_quota on sor.tasks","module":"kernel","attrs":{"definition":"CREATE TRIGGER tasks_quota AFTER INSERT ON sor.tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sor.tg_tasks__quota()","enabled":"always"}}
{"object":"view sor_api.events","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"e284df56580882531db449c202657966cf071ec7ed3dd2936008396a7c93eb85","definition_unqualified_sha256":"d209222e292a95a935aa7a3f243f61a5a7b1ef57bc2e398223b05b319c0f9f29","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.journal_blocks","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"4c0bf2ea810d215ec64a49caf309a3bcc18da59e12cf81ba455d00d1a8cfda19","definition_unqualified_sha256":"6e6738e214b071c1ff998c6c3e2d4d2161b30ca58839e078db693e10f5a0e522","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.journal_runs","module":"kernel","attrs":{"acl":["sor_approver:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"c9a0832a9f19d9a579170766d796208da7ec4a96fa27957c401e1a907b16f0d7","definition_unqualified_sha256":"4dfcc50ae93dc2a57e432c826775088ba6530f96254ce2f461e95ab1a9f89553","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.journal_steps","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"3cbc6ef87cccb180fef17e2c2185564cafbb7e2e3d52566b4340b6693810b773","definition_unqualified_sha256":"2681ee32614d93267998465ab94f45c8a4c5b90b29934658786532bb91a24f0c","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.journal_tool_calls","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"5a46abe8e707b7346f2ad84d280f83a8e175b99ee3d8f525bfa62c09d9c342f0","definition_unqualified_sha256":"f24e2943c6cd6090f0db83238e9edeaccaf58e4d5564d328343b92537634731d","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.journal_turns","module":"kernel","attrs":{"acl":["sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"caa8f60a437957e677052e99056597f91ffa6503afacf1484b57d65e232fd31c","definition_unqualified_sha256":"a6024841635bbb723c3519bb3953ea869d9d35f5a59edae0755345c3fcfc72f6","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.partitions","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"definition_sha256":"bc28d81fe8fc4a26d1a2db9065a2261704ecf541ee265a9e7bb609f7df4358e9","definition_unqualified_sha256":"5238355b3e0db4fb33ec4e5af58e63db46f9a019ee642e58ae47b861768c86ca","options":["security_barrier=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.protected_objects","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT"],"definition_sha256":"112f05356bd0ffa05bb65f9f3012f44d550cba0ce0339e19196a818e589c1694","definition_unqualified_sha256":"d52011795928bfcf8e35b553869195b5948459e7178b8c09f80d911498539583","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.releases","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_approver:SELECT","sor_auditor:SELECT"],"definition_sha256":"77afc5f1d5e69ef8a0bd8c7951c4855bc9858d7a2417f9806d0762d7947098c5","definition_unqualified_sha256":"9eeb3e6ffe1ffcda5ad6ef81c759c9fcc6a751c37ae672a83124601a49dc7ae7","options":[],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.reserved_names","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"a79b38de965cb47b5a8fc1a72e31effaf16d06882f25bf63e2c9fad45c683e49","definition_unqualified_sha256":"73d44fc2a9bc065afeea19c2fcf90c94a35266bb74ff46b25fa378bab0eb1ad8","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.tenant_members","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"adbc21a75c0c48d23d847bdcb7da72ab7cd0766feef4ab8176fd69607199cfd5","definition_unqualified_sha256":"f394e46950805ecc027b879cdb28aa215ca8d0d9d6a9d9c3be9779a2cf8a1f1e","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_api.tenants","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_tenant:SELECT"],"definition_sha256":"94e0f2bf635d63b86ccacc7ce59c0035974b413d6533ead905b47cd7f7b99e81","definition_unqualified_sha256":"2d44118dbffac68c064a74fa7ab0723b3e8f242b03ff3cbe9f886c22f1714d21","options":["security_barrier=true","security_invoker=true"],"owner":"sor_owner","relkind":"view"}}
{"object":"view sor_guard.registered","module":"kernel","attrs":{"acl":["sor_admin:SELECT","sor_auditor:SELECT","sor_owner:SELECT"],"definition_sha256":"442b22b80cb9b342f481c0d54804e56ae35c930ef6ee77f77703799143dd678b","definition_unqualified_sha256":"16ba21b8a766312804332c5196c733840d68a7431af9a134b67e5333d0121458","options":[],"owner":"sor_guardian","relkind":"view"}}
$pgsor_manifest$, E'\n'));
  if '${flyway:defaultSchema}.${flyway:table}' = 'sor_flyway.flyway_schema_history'
     and pg_catalog.to_regprocedure('sor_guard.record_contract(text)') is not null then
    perform sor_guard.record_contract(pg_catalog.ltrim($pgsor_contract$
# pg-sor contract snapshot: what consumers of sor_api may rely on (docs/contract.md).
# Generated from a freshly migrated kernel and docs/errors.md; do not edit. Regenerate with:
#   ./mvnw -q compile exec:java -Dexec.args="contract --out db/contract.txt"

contract_version 0.4.0

schema sor_api
  grant usage to sor_admin
  grant usage to sor_approver
  grant usage to sor_auditor
  grant usage to sor_dispatcher
  grant usage to sor_tenant
  grant usage to sor_worker

function sor_api.ack_subscription(text, text, bigint)
  arguments: tenant_id text, name text, up_to_position bigint
  returns: TABLE(last_position bigint, moved boolean)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.add_member(text, text)
  arguments: tenant_id text, role_name text
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.add_tenant(text, text)
  arguments: tenant_id text, display_name text
  returns: text
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.append_event(text, text, text, jsonb, jsonb, integer)
  arguments: tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer
  returns: TABLE("position" bigint, version integer, hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.append_event(text, text, text, jsonb, jsonb, integer, text)
  arguments: tenant_id text, stream text, type text, payload jsonb, metadata jsonb, expected_version integer, idempotency_key text
  returns: TABLE("position" bigint, version integer, hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.append_events(text, jsonb)
  arguments: tenant_id text, events jsonb
  returns: TABLE(ordinal integer, "position" bigint, stream text, version integer, hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.approve_ddl(text, text, text, text, timestamp with time zone)
  arguments: operation text, object_identity text, ticket text, rehearsed_on text, expires_at timestamp with time zone
  returns: bigint
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_approver

function sor_api.approve_release(text, text, text, text, timestamp with time zone)
  arguments: version text, digest text, ticket text, rehearsed_on text, expires_at timestamp with time zone DEFAULT (now() + '1 day'::interval)
  returns: bigint
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_approver

function sor_api.begin_tool_call(uuid, text, jsonb, text)
  arguments: run_id uuid, tool_name text, args jsonb, idempotency_key text DEFAULT NULL::text
  returns: TABLE(tool_call_id uuid, replayed boolean, status text, result jsonb, error jsonb)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.call_tool(uuid, text, jsonb, text)
  arguments: run_id uuid, tool text, args jsonb, idempotency_key text DEFAULT NULL::text
  returns: TABLE(tool_call_id uuid, ok boolean, result jsonb, error jsonb, replayed boolean)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.cancel_run(uuid, text)
  arguments: run_id uuid, reason text
  returns: text
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.certify()
  arguments: (none)
  returns: TABLE(property text, "check" text, object text, ok boolean, detail text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_auditor

function sor_api.check_contract(text)
  arguments: client_contract text
  returns: TABLE(compatible boolean, change text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_approver
  grant execute to sor_auditor
  grant execute to sor_dispatcher
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.claim_tasks(text, integer, interval)
  arguments: queue text, batch integer, lease interval
  returns: TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.claim_tasks(text, integer, interval, text)
  arguments: queue text, batch integer, lease interval, tenant text
  returns: TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.claim_tasks_in_run(uuid, text, integer, interval)
  arguments: run_id uuid, queue text, batch integer, lease interval
  returns: TABLE(task_id bigint, tenant_id text, subject text, payload jsonb, attempts integer, fencing_token bigint, lease_expires_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.commit_step(uuid, text, integer, jsonb, jsonb, jsonb)
  arguments: run_id uuid, step_id text, expected_version integer, output jsonb, events jsonb DEFAULT '[]'::jsonb, commands jsonb DEFAULT '[]'::jsonb
  returns: TABLE(status text, version integer, replayed boolean, recorded_output jsonb, block_id bigint)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.complete_task(bigint, bigint, jsonb)
  arguments: task_id bigint, fencing_token bigint, result jsonb DEFAULT '{}'::jsonb
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.complete_tasks(jsonb)
  arguments: tasks jsonb
  returns: TABLE(ordinal integer, task_id bigint)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.configure_tenant(text, boolean, interval)
  arguments: tenant_id text, hash_only boolean DEFAULT NULL::boolean, idempotency_retention interval DEFAULT NULL::interval
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.contract_version()
  arguments: (none)
  returns: text
  volatility: immutable
  security: invoker
  strict: no
  grant execute to sor_admin
  grant execute to sor_approver
  grant execute to sor_auditor
  grant execute to sor_dispatcher
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.create_queue(text, text, integer, interval, interval)
  arguments: queue text, description text, max_attempts integer DEFAULT 5, backoff_base interval DEFAULT '00:00:01'::interval, backoff_max interval DEFAULT '01:00:00'::interval
  returns: text
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.ddl_guard_targets()
  arguments: (none)
  returns: TABLE(operation text, object_identity text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_approver
  grant execute to sor_auditor

function sor_api.dead_outbox(integer)
  arguments: max_rows integer DEFAULT 100
  returns: TABLE(tenant_id text, outbox_id bigint, topic text, aggregate_type text, aggregate_id text, dedupe_key text, attempts integer, max_attempts integer, last_error text, created_at timestamp with time zone)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.dead_tasks(text, integer)
  arguments: queue text DEFAULT NULL::text, max_rows integer DEFAULT 100
  returns: TABLE(tenant_id text, task_id bigint, queue text, subject text, attempts integer, max_attempts integer, last_error text, finished_at timestamp with time zone)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.enqueue_task(text, text, text, jsonb, text, integer, interval, integer)
  arguments: tenant_id text, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer
  returns: bigint
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.enqueue_task_in_run(uuid, text, text, jsonb, text, integer, interval, integer)
  arguments: run_id uuid, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer
  returns: bigint
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.enqueue_tasks(text, text, jsonb)
  arguments: tenant_id text, queue text, tasks jsonb
  returns: TABLE(ordinal integer, task_id bigint, created boolean)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.events_since(bigint, integer)
  arguments: after_position bigint DEFAULT 0, max_rows integer DEFAULT 1000
  returns: TABLE("position" bigint, tenant_id text, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, prev_hash text, hash text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.fail_task(bigint, bigint, text)
  arguments: task_id bigint, fencing_token bigint, error text
  returns: TABLE(status text, run_after timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.fail_tasks(jsonb)
  arguments: tasks jsonb
  returns: TABLE(ordinal integer, task_id bigint, status text, run_after timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.finish_run(uuid, text, jsonb)
  arguments: run_id uuid, status text, error jsonb DEFAULT NULL::jsonb
  returns: text
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.finish_tool_call(uuid, jsonb, jsonb)
  arguments: tool_call_id uuid, result jsonb DEFAULT NULL::jsonb, error jsonb DEFAULT NULL::jsonb
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.get_run(uuid)
  arguments: run_id uuid
  returns: TABLE(tenant_id text, workflow text, status text, version integer, state jsonb, "overlay" jsonb, effective_state jsonb, last_step_id text, hash_only boolean, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone, active_block_id bigint, active_block_kind text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.heartbeat(uuid, integer)
  arguments: run_id uuid, lease_seconds integer DEFAULT NULL::integer
  returns: timestamp with time zone
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.heartbeat_task(bigint, bigint)
  arguments: task_id bigint, fencing_token bigint
  returns: timestamp with time zone
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.lease_outbox(integer, interval, text[])
  arguments: batch integer, lease interval, tenants text[] DEFAULT NULL::text[]
  returns: TABLE(outbox_id bigint, tenant_id text, event_id uuid, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb, dedupe_key text, attempts integer, lease_token bigint, lease_expires_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_dispatcher

function sor_api.ledger_digest()
  arguments: (none)
  returns: jsonb
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_auditor

function sor_api.list_tools()
  arguments: (none)
  returns: TABLE(tool_name text, description text, input_schema jsonb, side_effects boolean)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.maintain_partitions(integer)
  arguments: months_ahead integer DEFAULT 3
  returns: TABLE(partition_name text, action text, detail text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_dispatcher

function sor_api.mark_dispatched(bigint, bigint, text)
  arguments: outbox_id bigint, lease_token bigint, provider_ref text
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_dispatcher

function sor_api.mark_failed(bigint, bigint, text)
  arguments: outbox_id bigint, lease_token bigint, error text
  returns: TABLE(status text, available_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_dispatcher

function sor_api.my_runs()
  arguments: (none)
  returns: TABLE(run_id uuid, tenant_id text, workflow text, status text, version integer, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.my_runs(text, uuid, integer)
  arguments: run_status text, after_run_id uuid, max_rows integer
  returns: TABLE(run_id uuid, tenant_id text, workflow text, status text, version integer, lease_expires_at timestamp with time zone, started_at timestamp with time zone, finished_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.outbox_metrics()
  arguments: (none)
  returns: TABLE(topic text, tenant_id text, pending bigint, delayed bigint, oldest_pending_age interval, leased bigint, lapsed bigint, failed bigint)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_dispatcher
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.queue_metrics()
  arguments: (none)
  returns: TABLE(queue text, tenant_id text, ready bigint, delayed bigint, oldest_ready_age interval, claimed bigint, lapsed bigint, failed bigint, dead bigint)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_dispatcher
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.quotas(text)
  arguments: tenant_id text DEFAULT NULL::text
  returns: TABLE(tenant_id text, kind text, pending bigint, max_pending bigint)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.read_stream(text, text, integer, integer)
  arguments: tenant_id text, stream text, from_version integer DEFAULT 1, max_rows integer DEFAULT 1000
  returns: TABLE("position" bigint, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, prev_hash text, hash text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.read_subscription(text, text, integer)
  arguments: tenant_id text, name text, max_rows integer DEFAULT 100
  returns: TABLE("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.record_turn(uuid, text, text, integer, integer, text, text)
  arguments: run_id uuid, model text, role text, input_tokens integer DEFAULT 0, output_tokens integer DEFAULT 0, content text DEFAULT NULL::text, content_sha256 text DEFAULT NULL::text
  returns: integer
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.register_domain_schema(text)
  arguments: schema_name text
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.register_worker(text, text)
  arguments: role_name text, kind text
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.remove_member(text, text)
  arguments: tenant_id text, role_name text
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.require_kernel(text)
  arguments: version text
  returns: text
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_auditor

function sor_api.resolve_block(bigint, boolean, text)
  arguments: block_id bigint, approved boolean, note text DEFAULT NULL::text
  returns: TABLE(status text, released integer, discarded integer, resume_outbox_id bigint)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_approver

function sor_api.resume_run(uuid, integer)
  arguments: run_id uuid, lease_seconds integer DEFAULT NULL::integer
  returns: TABLE(status text, version integer, fencing_token bigint, last_step_id text, state jsonb, lease_expires_at timestamp with time zone, resumed_from name, in_flight_calls jsonb)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.retire_partition(text)
  arguments: partition_name text
  returns: sor.retired_partitions
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.retry_outbox(bigint)
  arguments: outbox_id bigint
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.retry_task(bigint)
  arguments: task_id bigint
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.rotate_wakeup_channels()
  arguments: (none)
  returns: timestamp with time zone
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.run_report(uuid)
  arguments: run_id uuid
  returns: text
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.run_report_facts(uuid)
  arguments: run_id uuid
  returns: jsonb
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.run_timeline(uuid)
  arguments: run_id uuid
  returns: TABLE(at timestamp with time zone, source text, what text, details jsonb)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.run_timeline(uuid, text, integer)
  arguments: run_id uuid, after_entry text, max_rows integer
  returns: TABLE(at timestamp with time zone, source text, what text, details jsonb, entry text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.run_tool_calls(uuid)
  arguments: run_id uuid
  returns: TABLE(tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb, error jsonb, idempotency_key text, started_at timestamp with time zone, finished_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.run_tool_calls(uuid, text, uuid, integer)
  arguments: run_id uuid, call_status text, after_tool_call_id uuid, max_rows integer
  returns: TABLE(tool_call_id uuid, tool_name text, status text, args jsonb, args_sha256 text, result jsonb, error jsonb, idempotency_key text, started_at timestamp with time zone, finished_at timestamp with time zone)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.seal_ledger(integer)
  arguments: max_events integer DEFAULT 100000
  returns: TABLE(block_id bigint, from_tx xid8, to_tx xid8, events bigint, first_position bigint, last_position bigint, block_hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_auditor
  grant execute to sor_dispatcher

function sor_api.set_completion_record(text, text)
  arguments: queue text, record text
  returns: text
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.set_outbox_broadcast(boolean)
  arguments: enabled boolean
  returns: boolean
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.set_overlay(uuid, jsonb)
  arguments: run_id uuid, "overlay" jsonb
  returns: jsonb
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_approver

function sor_api.set_quota(text, text, bigint)
  arguments: tenant_id text, kind text, max_pending bigint
  returns: void
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.set_retention(text, interval, text)
  arguments: table_name text, keep interval, reason text
  returns: sor.retention_policies
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin

function sor_api.start_run(text, text, jsonb, text, integer, boolean, text)
  arguments: tenant_id text, workflow text, input jsonb DEFAULT NULL::jsonb, idempotency_key text DEFAULT NULL::text, lease_seconds integer DEFAULT 60, hash_only boolean DEFAULT false, input_sha256 text DEFAULT NULL::text
  returns: TABLE(run_id uuid, replayed boolean, status text, version integer)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_worker

function sor_api.subscribe(text, text, text, boolean)
  arguments: tenant_id text, name text, stream_prefix text DEFAULT NULL::text, from_start boolean DEFAULT true
  returns: TABLE(subscription text, prefix text, last_position bigint, created boolean, channel text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.subscriptions(text)
  arguments: tenant_id text
  returns: TABLE(name text, stream_prefix text, last_position bigint, created_at timestamp with time zone, created_by name, acked_at timestamp with time zone, acked_by name, channel text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.sweep_abandoned_runs()
  arguments: (none)
  returns: integer
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_worker

function sor_api.sweep_idempotency_keys()
  arguments: (none)
  returns: integer
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_admin
  grant execute to sor_worker

function sor_api.tenant_events_since(text, bigint, integer)
  arguments: tenant_id text, after_position bigint DEFAULT 0, max_rows integer DEFAULT 1000
  returns: TABLE("position" bigint, stream text, version integer, type text, payload jsonb, metadata jsonb, actor name, occurred_at timestamp with time zone, tx_id xid8, prev_hash text, hash text)
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.unsubscribe(text, text)
  arguments: tenant_id text, name text
  returns: boolean
  volatility: volatile
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.verify_events(text, text)
  arguments: for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text
  returns: TABLE(tenant_id text, stream text, "position" bigint, version integer, expected_hash text, found_hash text, problem text, detail text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor

function sor_api.verify_events_summary(text, text)
  arguments: for_tenant text DEFAULT NULL::text, for_stream text DEFAULT NULL::text
  returns: TABLE(streams bigint, events bigint, broken_streams bigint, intact boolean)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor

function sor_api.verify_ledger(jsonb)
  arguments: digest jsonb DEFAULT NULL::jsonb
  returns: TABLE(block_id bigint, problem text, detail text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor

function sor_api.wakeup_channel(text, text)
  arguments: kind text, key text
  returns: text
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_dispatcher
  grant execute to sor_tenant
  grant execute to sor_worker

function sor_api.what_happened(timestamp with time zone, timestamp with time zone, text)
  arguments: from_at timestamp with time zone, to_at timestamp with time zone, tenant_id text DEFAULT NULL::text
  returns: TABLE(event_position bigint, occurred_at timestamp with time zone, tenant text, stream text, type text, actor name, summary text)
  volatility: stable
  security: definer
  strict: no
  grant execute to sor_auditor
  grant execute to sor_tenant
  grant execute to sor_worker

view sor_api.events
  column "position": bigint
  column tenant_id: text
  column stream: text
  column version: integer
  column type: text
  column payload: jsonb
  column metadata: jsonb
  column actor: name
  column occurred_at: timestamp with time zone
  column tx_id: xid8
  column prev_hash: text
  column hash: text
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.journal_blocks
  column tenant_id: text
  column block_id: bigint
  column run_id: uuid
  column step_id: text
  column kind: text
  column status: text
  column command: jsonb
  column opened_at: timestamp with time zone
  column resolved_at: timestamp with time zone
  column resolved_by: name
  column approved: boolean
  column note: text
  grant select to sor_approver
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.journal_runs
  column tenant_id: text
  column run_id: uuid
  column workflow: text
  column worker_role: name
  column worker_kind: text
  column status: text
  column idempotency_key: text
  column input: jsonb
  column input_sha256: text
  column hash_only: boolean
  column version: integer
  column state: jsonb
  column "overlay": jsonb
  column effective_state: jsonb
  column last_step_id: text
  column lease_expires_at: timestamp with time zone
  column heartbeat_at: timestamp with time zone
  column started_at: timestamp with time zone
  column finished_at: timestamp with time zone
  column error: jsonb
  column error_sha256: text
  grant select to sor_approver
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.journal_steps
  column tenant_id: text
  column run_id: uuid
  column step_id: text
  column version: integer
  column output: jsonb
  column event_count: integer
  column command_count: integer
  column block_id: bigint
  column committed_at: timestamp with time zone
  column committed_by: name
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.journal_tool_calls
  column tenant_id: text
  column tool_call_id: uuid
  column run_id: uuid
  column tool_name: text
  column status: text
  column args: jsonb
  column args_sha256: text
  column result: jsonb
  column result_sha256: text
  column error: jsonb
  column error_sha256: text
  column idempotency_key: text
  column hash_only: boolean
  column started_at: timestamp with time zone
  column finished_at: timestamp with time zone
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.journal_turns
  column tenant_id: text
  column run_id: uuid
  column turn_no: integer
  column model: text
  column role: text
  column input_tokens: integer
  column output_tokens: integer
  column content: text
  column content_sha256: text
  column hash_only: boolean
  column recorded_at: timestamp with time zone
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.partitions
  column parent_table: text
  column partition_name: text
  column range_from: timestamp with time zone
  column range_to: timestamp with time zone
  column is_default: boolean
  column approx_rows: bigint
  column retirable: boolean
  column why_not: text
  grant select to sor_admin
  grant select to sor_auditor

view sor_api.protected_objects
  column kind: text
  column identity: text
  column present: boolean
  column spec: jsonb
  column reason: text
  column approval_id: bigint
  column recorded_at: timestamp with time zone
  column recorded_by: name
  column classes: text[]
  grant select to sor_admin
  grant select to sor_auditor

view sor_api.releases
  column module: text
  column event: text
  column version: text
  column digest: text
  column from_version: text
  column from_digest: text
  column approval_id: bigint
  column objects_allowed: integer
  column recorded_at: timestamp with time zone
  column recorded_by: name
  column entry_id: bigint
  grant select to sor_admin
  grant select to sor_approver
  grant select to sor_auditor

view sor_api.reserved_names
  column kind: text
  column name: text
  column reserved_at: timestamp with time zone
  grant select to sor_admin
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.tenant_members
  column tenant_id: text
  column role_name: name
  column added_at: timestamp with time zone
  column added_by: name
  grant select to sor_admin
  grant select to sor_auditor
  grant select to sor_tenant

view sor_api.tenants
  column tenant_id: text
  column display_name: text
  column created_at: timestamp with time zone
  grant select to sor_admin
  grant select to sor_auditor
  grant select to sor_tenant

# The domain author's surface (docs/domains.md): the objects in sor and sor_guard a domain module
# may use, versioned with sor_api: removing or altering one needs a major version, adding one a minor.
surface function sor.append_event(text, text, text, jsonb, jsonb, integer)
  arguments: tenant_id text, stream text, type text, payload jsonb DEFAULT '{}'::jsonb, metadata jsonb DEFAULT '{}'::jsonb, expected_version integer DEFAULT NULL::integer
  returns: sor.events
  returns column tenant_id: text
  returns column "position": bigint
  returns column stream: text
  returns column version: integer
  returns column type: text
  returns column payload: jsonb
  returns column metadata: jsonb
  returns column actor: name
  returns column occurred_at: timestamp with time zone
  returns column tx_id: xid8
  returns column prev_hash: bytea
  returns column hash: bytea
  volatility: volatile
  security: invoker
  strict: no
  use: call from a tool or a definer function: appends a domain event in the same transaction, returns the row written

surface function sor.enqueue_outbox(text, text, text, text, jsonb, jsonb, text, integer, uuid, text, bigint)
  arguments: tenant_id text, topic text, aggregate_type text, aggregate_id text, payload jsonb, headers jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, max_attempts integer DEFAULT 8, run_id uuid DEFAULT NULL::uuid, step_id text DEFAULT NULL::text, block_id bigint DEFAULT NULL::bigint
  returns: bigint
  volatility: volatile
  security: invoker
  strict: no
  use: call from a tool or a definer function: queues a side effect with its dedupe key, returns its outbox id

surface function sor.enqueue_task(text, text, text, jsonb, text, integer, interval, integer)
  arguments: tenant_id text, queue text, subject text, payload jsonb DEFAULT '{}'::jsonb, dedupe_key text DEFAULT NULL::text, priority integer DEFAULT 0, delay interval DEFAULT NULL::interval, max_attempts integer DEFAULT NULL::integer
  returns: bigint
  volatility: volatile
  security: invoker
  strict: no
  use: call from a definer function: queues a task on a queue, idempotent on its dedupe key, returns its task id

surface function sor.ensure_policy(regclass, name, text, name[], text, text)
  arguments: tbl regclass, policy name, command text, roles name[], using_expr text DEFAULT NULL::text, check_expr text DEFAULT NULL::text
  returns: void
  volatility: volatile
  security: invoker
  strict: no
  use: call from a policies script: creates a policy on a module table when missing, alters it in place otherwise

surface function sor.register_tool(text, text, jsonb, regprocedure, text[], boolean, boolean)
  arguments: tool_name text, description text, input_schema jsonb, function_oid regprocedure, allowed_kinds text[], side_effects boolean DEFAULT true, enabled boolean DEFAULT true
  returns: void
  volatility: volatile
  security: invoker
  strict: no
  use: call from a migration or a repeatable script: registers or updates a tool of the module

surface function sor_guard.current_tenants()
  arguments: (none)
  returns: SETOF text
  volatility: stable
  security: invoker
  strict: no
  use: policy helper: the tenants the current login is a member of, in a policy's expression

surface function sor_guard.tg_events__refuse_change()
  arguments: (none)
  returns: trigger
  volatility: volatile
  security: invoker
  strict: no
  use: trigger function: BEFORE UPDATE OR DELETE (row) and BEFORE TRUNCATE (statement) on an append-only module table

surface table sor.append_only_tables
  column table_schema: name
  column table_name: name
  column registered_at: timestamp with time zone
  column registered_by: name
  use: insert (table_schema, table_name) to register an append-only module table

surface table sor.tenants
  column tenant_id: text
  column display_name: text
  column created_at: timestamp with time zone
  column created_by: name
  use: select, and reference tenant_id from a foreign key

sqlstate SR001
sqlstate SR002
sqlstate SR003
sqlstate SR004
sqlstate SR005
sqlstate SR006
sqlstate SR007
sqlstate SR008
sqlstate SR009
sqlstate SR010
sqlstate SR011
sqlstate SR013
sqlstate SR015
sqlstate SR016
sqlstate SR017
sqlstate SR018
sqlstate SR019
sqlstate SR020
sqlstate SR021
sqlstate SR022
sqlstate SR023
sqlstate SR024
sqlstate SR025
sqlstate SR026
sqlstate SR027
sqlstate SR028
sqlstate SR029
sqlstate SR030
sqlstate SR031
sqlstate SR033
sqlstate SR034
sqlstate SR035
sqlstate SR036
sqlstate SR037
sqlstate SR038
sqlstate SR039
sqlstate SR041
sqlstate SR042
sqlstate SR043
sqlstate SR044
sqlstate SR045
sqlstate SR050
sqlstate SR051
sqlstate SR052
sqlstate SR054
sqlstate SR055
sqlstate SR056
sqlstate SR057
sqlstate SR058
sqlstate SR059
sqlstate SR060
sqlstate SR061
sqlstate SR062
sqlstate SR063
sqlstate SR064
sqlstate SR065
sqlstate SR066
sqlstate SR067
sqlstate SR070
sqlstate SR071
sqlstate SR072
sqlstate SR073
sqlstate SR074
sqlstate SR075
sqlstate SR080
sqlstate SR081
sqlstate SR082
sqlstate SR083
sqlstate SR084
sqlstate SR085
sqlstate SR086
sqlstate SR090
sqlstate SR091
sqlstate SR092
sqlstate SR093
sqlstate SR100
sqlstate SR101
sqlstate SR102
$pgsor_contract$, E'\n'));
  end if;
end
$pgsor_release$;
