-- funcledger_app's grants on what PromoGrants adds (app_role.v1.sql to v7 hold the rest). The idempotent script runs this in the
-- batch that creates the table: the grant compiles when it runs.
EXEC(N'GRANT SELECT, INSERT, UPDATE ([taken]) ON [promo_grants] TO [funcledger_app];');
