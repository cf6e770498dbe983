-- funcledger_app's grants on what Shop adds (app_role.v1.sql and v2 hold the rest): an item's terms and stock are updated
-- (the operators' routes and the purchases); a purchase's refunded units and an inventory line's units move; refunds are
-- inserted and read. Nothing is deleted.
GRANT SELECT, INSERT, UPDATE (title, price, stock, per_player_limit, starts_at, ends_at, active, meta, updated_at)
    ON shop_items TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (refunded_quantity) ON shop_purchases TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (quantity, updated_at) ON shop_inventory TO funcledger_app;
GRANT SELECT, INSERT ON shop_refunds TO funcledger_app;
