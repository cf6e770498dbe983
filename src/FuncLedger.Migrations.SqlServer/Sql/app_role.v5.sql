-- funcledger_app's grants on what PromoCodes adds (app_role.v1.sql to v4 hold the rest). The idempotent script runs this in
-- the batch that creates the tables: the grants compile when they run.
EXEC(N'GRANT SELECT, INSERT, UPDATE ([active], [redemptions], [codes_issued], [updated_at]) ON [promo_campaigns] TO [funcledger_app];
GRANT SELECT, INSERT, UPDATE ([redemption_id]) ON [promo_codes] TO [funcledger_app];
GRANT SELECT, INSERT ON [promo_redemptions] TO [funcledger_app];
GRANT SELECT, INSERT ON [promo_attempts] TO [funcledger_app];');
