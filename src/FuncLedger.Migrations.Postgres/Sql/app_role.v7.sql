-- funcledger_app's grants on what ShopConsumptions adds (app_role.v1.sql to v6 hold the rest): a player's use of items is
-- inserted and read (the replay, the drift check); a refund records the units it took back. Nothing is updated or deleted.
GRANT SELECT, INSERT ON shop_consumptions TO funcledger_app;
