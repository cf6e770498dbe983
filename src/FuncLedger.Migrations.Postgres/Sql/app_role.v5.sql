-- funcledger_app's grants on what PromoCodes adds (app_role.v1.sql to v4 hold the rest): a campaign's switch and counters move;
-- a single-use code is linked once to its redemption; redemptions and failed attempts are inserted and read. Nothing is deleted.
GRANT SELECT, INSERT, UPDATE (active, redemptions, codes_issued, updated_at) ON promo_campaigns TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (redemption_id) ON promo_codes TO funcledger_app;
GRANT SELECT, INSERT ON promo_redemptions, promo_attempts TO funcledger_app;
