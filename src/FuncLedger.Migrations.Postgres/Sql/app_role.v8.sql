-- funcledger_app's grants on what PromoGrants adds (app_role.v1.sql to v7 hold the rest): a redemption's granted items are
-- inserted, and its revocation records the units it took back. Nothing is deleted.
GRANT SELECT, INSERT, UPDATE (taken) ON promo_grants TO funcledger_app;
