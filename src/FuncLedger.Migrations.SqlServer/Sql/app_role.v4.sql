-- funcledger_app's grants on what ShopCheckouts adds (app_role.v1.sql to v3 hold the rest). The idempotent script runs this in
-- the batch that creates the tables: the grants compile when they run.
EXEC(N'GRANT SELECT, INSERT, UPDATE ([status], [closed_key], [updated_at]) ON [shop_checkouts] TO [funcledger_app];
GRANT SELECT, INSERT, UPDATE ([purchase_id]) ON [shop_checkout_lines] TO [funcledger_app];');
