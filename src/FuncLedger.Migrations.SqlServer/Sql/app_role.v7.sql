-- funcledger_app's grants on what ShopConsumptions adds (app_role.v1.sql to v6 hold the rest). The idempotent script runs this in
-- the batch that creates the table: the grant compiles when it runs.
EXEC(N'GRANT SELECT, INSERT ON [shop_consumptions] TO [funcledger_app];');
